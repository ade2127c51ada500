/**
 * The real `@aws-sdk/client-apigatewaymanagementapi` client against `geqo up`, whose dashboard
 * server emulates the Management API at `POST /@connections/{id}` (DESIGN.md section 9).
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RuntimeProcess, startRuntimeProcess } from '../../../local/src/process/runtime-process.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { Broadcaster } from '../../app/broadcast/index.ts';
import { processedRecords, toDashboardEvent } from '../../app/worker/index.ts';
import type { EnrichedEvent } from '../../domain/match/index.ts';
import { silentLogger } from '../logging/index.ts';
import { MemoryConnectionRegistry } from '../memory/index.ts';
import { noMetrics } from '../metrics/index.ts';
import { ApiGatewayConnectionSender, createApiGatewayManagementClient } from './index.ts';

/** A chat event of about `bytes` bytes in match `m-big`. */
const chatEvent = (seq: number, bytes: number): EnrichedEvent => ({
  key: { server: 'srv_a', session: 's1', seq, index: 0 },
  event: { type: 'chat', ts: 1_000 + seq, steamId: '7656', text: 'x'.repeat(bytes), teamOnly: false },
  enrichment: {
    matchId: 'm-big',
    roundNumber: 1,
    phase: 'live',
    isPostRound: false,
    matchTag: null,
    excluded: false,
    unknownType: false,
  },
});

interface Dashboard {
  connectionId: string;
  waitFor(type: string): Promise<Record<string, unknown>>;
  /** Every message received so far. */
  received: readonly Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * A dashboard WebSocket on `/ws` that learns its connection id from the server's `hello`. Its
 * listener is attached before the socket opens: the `hello` can arrive in the same read as the
 * upgrade answer, and then a listener attached after `open` (as cli's DashboardClient does) misses it.
 */
async function connectDashboard(httpPort: number): Promise<Dashboard> {
  const ws = new WebSocket(`ws://127.0.0.1:${httpPort}/ws`);
  const received: Record<string, unknown>[] = [];
  ws.on('message', (data) => received.push(JSON.parse(String(data)) as Record<string, unknown>));
  await once(ws, 'open');
  const waitFor = async (type: string) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = received.find((message) => message.type === type);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no "${type}" message on the dashboard socket`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const hello = await waitFor('hello');
  return {
    connectionId: String(hello.connectionId),
    waitFor,
    received,
    close: async () => {
      ws.close();
      await once(ws, 'close');
    },
  };
}

describe('ApiGatewayConnectionSender against the local runtime', () => {
  let database: TestDatabase;
  let runtime: RuntimeProcess;
  let sender: ApiGatewayConnectionSender;
  let destroyClient: () => void;

  beforeAll(async () => {
    database = await createTestDatabase();
    runtime = await startRuntimeProcess({ databaseUrl: database.url });
    const client = createApiGatewayManagementClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${runtime.httpPort}`,
    });
    destroyClient = () => client.destroy();
    sender = new ApiGatewayConnectionSender(client);
  });

  afterAll(async () => {
    destroyClient?.();
    await runtime?.stop();
    await database?.drop();
  });

  it('posts text and bytes to a connected dashboard', async () => {
    // Prepare
    const dashboard = await connectDashboard(runtime.httpPort);
    const { connectionId } = dashboard;

    // Act
    const asText = await sender.send(
      connectionId,
      JSON.stringify({ type: 'round', matchId: 'm-1', round: 3 }),
    );
    const asBytes = await sender.send(
      connectionId,
      new TextEncoder().encode(JSON.stringify({ type: 'score', matchId: 'm-1', ct: 2, t: 1 })),
    );

    // Assess
    expect([asText, asBytes]).toEqual(['sent', 'sent']);
    await expect(dashboard.waitFor('round')).resolves.toMatchObject({ matchId: 'm-1', round: 3 });
    await expect(dashboard.waitFor('score')).resolves.toMatchObject({ ct: 2, t: 1 });
    await dashboard.close();
  });

  it('is refused a message over 128 KB with 413, as API Gateway refuses it, and throws a non-retriable error', async () => {
    // Prepare
    const dashboard = await connectDashboard(runtime.httpPort);
    const tooLarge = JSON.stringify({ type: 'events', matchId: 'm-1', events: ['x'.repeat(128 * 1024)] });

    // Act
    const outcome = sender.send(dashboard.connectionId, tooLarge);

    // Assess
    await expect(outcome).rejects.toMatchObject({
      code: 'POST_TO_CONNECTION',
      retriable: false,
      cause: { name: 'PayloadTooLargeException' },
    });
    await dashboard.close();
  });

  it("carries 300 KB of one batch's events to a dashboard in parts that all fit, in order", async () => {
    // Prepare
    const dashboard = await connectDashboard(runtime.httpPort);
    const registry = new MemoryConnectionRegistry();
    await registry.subscribe(dashboard.connectionId, 'm-big');
    const broadcaster = new Broadcaster({
      registry,
      sender,
      logger: silentLogger,
      metrics: noMetrics,
      concurrency: 2,
    });
    const events = Array.from({ length: 600 }, (_, i) => chatEvent(i + 1, 500));
    const records = processedRecords(events, [], []).map((record, i) => ({
      ...record,
      stream: 'processed-game-events',
      shard: 'shard-0',
      position: String(i),
      arrivedAt: 0,
    }));

    // Act
    const result = await broadcaster.deliver(records);

    // Assess
    expect(records.length).toBeGreaterThan(2);
    expect(result).toEqual({ sent: records.length, gone: 0, failed: 0 });
    const deadline = Date.now() + 10_000;
    const parts = () => dashboard.received.filter((message) => message.type === 'events');
    while (parts().length < records.length && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(parts().flatMap((message) => message.events as unknown[])).toEqual(events.map(toDashboardEvent));
    await dashboard.close();
  });

  it('answers gone for an unknown connection id and for a dashboard that left', async () => {
    // Prepare
    const dashboard = await connectDashboard(runtime.httpPort);
    await dashboard.close();

    // Act
    const unknown = await sender.send(randomUUID(), '{"type":"round"}');
    const left = await sender.send(dashboard.connectionId, '{"type":"round"}');

    // Assess
    expect(unknown).toBe('gone');
    expect(left).toBe('gone');
  });
});
