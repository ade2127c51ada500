/**
 * The walking skeleton, end to end as a user runs it: `geqo up` as its own process on a real
 * PostgreSQL, a fixture match replayed by the plugin client over a real WebSocket, and a real
 * dashboard WebSocket client subscribed to the match.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardClient } from '../../cli/src/dashboard-client.ts';
import { planFrames } from '../../cli/src/replay/frame-batcher.ts';
import { PluginClient } from '../../cli/src/replay/plugin-client.ts';
import { readAllEvents } from '../../cli/src/replay/read-events.ts';
import { type RuntimeProcess, startRuntimeProcess } from '../../local/src/process/runtime-process.ts';
import { fromStoredForm } from '../../shared/domain/events/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { countEvents, storedEvents, waitForCount } from '../helpers/stored-events.ts';

const MATCH = resolve('../shared/fixtures/matches/2026-02-09_de_nuke_FURIA_2-13_Team_Vitality.jsonl');

let database: TestDatabase;
let runtime: RuntimeProcess;

beforeAll(async () => {
  database = await createTestDatabase();
  runtime = await startRuntimeProcess({ databaseUrl: database.url });
});

afterAll(async () => {
  const code = await runtime?.stop();
  expect(code).toBe(0);
  await database?.drop();
});

describe('geqo up + geqo replay + a dashboard', () => {
  it('stores every event of a match exactly once and streams them live to a subscribed dashboard', async () => {
    // Prepare: a server token from the REST API, a dashboard following the match list.
    const api = `http://127.0.0.1:${runtime.httpPort}`;
    const created = await fetch(`${api}/v1/servers`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'e2e' }),
    });
    expect(created.status).toBe(201);
    const { token, serverId } = (await created.json()) as { token: string; serverId: string };
    const events = await readAllEvents(MATCH);
    const frames = planFrames(events, { server: serverId, session: 'e2e-session' });
    const dashboard = await DashboardClient.connect(runtime.httpPort);
    await dashboard.subscribe({ topic: 'matches' });
    const url = `ws://127.0.0.1:${runtime.ingestPort}/`;

    // Act: the first frame starts the match; the dashboard subscribes to it; the rest follows live.
    await new PluginClient(frames.slice(0, 1), { url, token }).run();
    const started = await dashboard.waitFor((m) => m.type === 'match');
    const matchId = String(started.matchId);
    await dashboard.subscribe({ matchId });
    const rest = new PluginClient(frames.slice(1), { url, token, base64: true });
    const stats = await rest.run();

    // Assess: stored exactly once, in order, identical to the file.
    expect(stats.rejectedFrames).toBe(0);
    await waitForCount(() => countEvents(database.url), events.length);
    const stored = await storedEvents(database.url);
    expect(stored).toHaveLength(events.length);
    expect(new Set(stored.map((row) => row.key)).size).toBe(events.length);
    expect(stored.map((row) => fromStoredForm(row.payload as Record<string, unknown>))).toEqual(events);
    expect(new Set(stored.map((row) => row.matchId))).toEqual(new Set([matchId]));

    // The REST API pages through the same events.
    const page = (await (await fetch(`${api}/v1/matches/${matchId}/events?limit=100000`)).json()) as {
      events: unknown[];
    };
    expect(page.events).toHaveLength(events.length);

    // The dashboard got every event sent after it subscribed, once each.
    const expectedLive = frames.slice(1).reduce((sum, f) => sum + f.frame.events.length, 0);
    const live = async () =>
      dashboard.messages
        .filter((m) => m.type === 'events' && m.matchId === matchId)
        .flatMap((m) => m.events as { key: [string, string, number, number] }[])
        .filter((e) => e.key[2] >= 2);
    await waitForCount(async () => (await live()).length, expectedLive, 30_000);
    const liveKeys = (await live()).map((e) => e.key.join('/'));
    expect(new Set(liveKeys).size).toBe(expectedLive);
    dashboard.close();

    // The worker runs in its own thread; its metrics reach the runtime's /metrics all the same.
    const workerEvents = async () => {
      const text = await (await fetch(`${api}/metrics`)).text();
      return Number(/^geqo_worker_events_total (\d+)/m.exec(text)?.[1] ?? 0);
    };
    expect(await waitForCount(workerEvents, events.length, 10_000)).toBe(events.length);
    // Every ack was timed, and every batch's lag from the stream to storage.
    const text = await (await fetch(`${api}/metrics`)).text();
    const count = (name: string) => Number(new RegExp(`^${name}_count (\\d+)`, 'm').exec(text)?.[1] ?? 0);
    expect(count('geqo_ingest_ack_ms')).toBe(1 + stats.ackedFrames);
    // Every frame's check was timed, refused ones too.
    expect(count('geqo_ingest_check_ms')).toBeGreaterThanOrEqual(count('geqo_ingest_ack_ms'));
    expect(count('geqo_worker_lag_ms')).toBeGreaterThan(0);
    // The frames' digests reached the worker thread with their records, which it read instead of decoding.
    const predecoded = Number(/^geqo_worker_frames_predecoded_total (\d+)/m.exec(text)?.[1] ?? 0);
    expect(predecoded).toBeGreaterThan(0);
  });

  it('answers a malformed path with 400 and keeps serving', async () => {
    const api = `http://127.0.0.1:${runtime.httpPort}`;
    expect((await fetch(`${api}/v1/matches/%E0`)).status).toBe(400);
    expect((await fetch(`${api}/healthz`)).status).toBe(200);
  });
});
