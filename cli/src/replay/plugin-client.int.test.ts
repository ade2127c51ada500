/**
 * The plugin client against a real ingest server: frames refused with `RATE_LIMITED` (a reply
 * without `seq`) are resent until acked, and a frame rejected before its `seq` could be read does
 * not leave the client waiting forever.
 */

import { silentLogger } from '@geqo/shared/adapters/logging';
import { noMetrics } from '@geqo/shared/adapters/metrics';
import {
  createPool,
  migrate,
  PostgresServerRepository,
  PostgresStream,
} from '@geqo/shared/adapters/postgres';
import { FrameIngestor } from '@geqo/shared/app/ingest';
import { ServerRegistry } from '@geqo/shared/app/servers';
import type { AnyEvent } from '@geqo/shared/domain/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestServer } from '../../../local/src/ingest-server.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { planFrames } from './frame-batcher.ts';
import { PluginClient } from './plugin-client.ts';

let database: TestDatabase;
let pool: ReturnType<typeof createPool>;
let stream: PostgresStream;
let server: IngestServer;
let port: number;
let token: string;
let serverId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url);
  await migrate(pool);
  stream = new PostgresStream(pool);
  const servers = new ServerRegistry(new PostgresServerRepository(pool));
  ({ token, serverId } = await servers.add('rate limited'));
  server = new IngestServer({
    ingestor: new FrameIngestor({
      producer: stream,
      stream: 'raw',
      logger: silentLogger,
      metrics: noMetrics,
    }),
    servers,
    logger: silentLogger,
    metrics: noMetrics,
    maxFramesPerSecond: 5,
  });
  port = await server.listen(0, '127.0.0.1');
});

afterAll(async () => {
  await server.close();
  await stream.close();
  await pool.end();
  await database.drop();
});

const events = (count: number): AnyEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    type: 'player_footstep' as const,
    ts: 1_779_040_800_000 + i,
    steamId: '76561198081484775',
    pos: [i, 0, 0] as [number, number, number],
  }));

describe('plugin client', () => {
  it('resends frames refused with RATE_LIMITED until every one is acked', async () => {
    const frames = planFrames(
      events(120),
      { server: serverId, session: 'rate' },
      { maxEvents: 10, maxSpanMs: 1e9, maxBase64Chars: 98_304 },
    );
    const client = new PluginClient(frames, { url: `ws://127.0.0.1:${port}/`, token, window: 12 });
    const stats = await client.run();
    expect(stats.ackedFrames).toBe(frames.length);
    expect(stats.resentFrames).toBeGreaterThan(0);
    expect(stats.rejectedFrames).toBe(0);
  });
});
