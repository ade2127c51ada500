/**
 * A database outage in the middle of a replay: ingest answers `UNAVAILABLE` (the plugin resends),
 * the worker retries with backoff, and once PostgreSQL is back every event is stored exactly once.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planFrames } from '../../cli/src/replay/frame-batcher.ts';
import { PluginClient } from '../../cli/src/replay/plugin-client.ts';
import { readAllEvents } from '../../cli/src/replay/read-events.ts';
import { type RunningPostgres, startEmbeddedPostgres } from '../../local/src/postgres/embedded-postgres.ts';
import { freePort, startRuntimeProcess } from '../../local/src/process/runtime-process.ts';
import { SENDER_FRAME_BASE64_CHARS } from '../../shared/domain/codec/index.ts';
import { storedEvents, waitForCount } from '../helpers/stored-events.ts';

const MATCH = resolve('../shared/fixtures/matches/2026-02-09_de_nuke_FURIA_2-13_Team_Vitality.jsonl');

let dataDir: string;
let port: number;
let server: RunningPostgres;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'geqo-outage-'));
  chmodSync(dataDir, 0o755);
  port = await freePort();
  server = await startEmbeddedPostgres({ dataDir: join(dataDir, 'data'), port });
  const admin = new pg.Client(server.url);
  await admin.connect();
  await admin.query('CREATE DATABASE geqo');
  await admin.end();
});

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function count(url: string): Promise<number> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return Number((await client.query('SELECT count(*) AS n FROM game_events')).rows[0].n);
  } finally {
    await client.end();
  }
}

describe('database outage', () => {
  it('loses nothing and duplicates nothing when PostgreSQL goes away and comes back', async () => {
    const url = server.urlFor('geqo');
    const runtime = await startRuntimeProcess({ databaseUrl: url });
    const created = await fetch(`http://127.0.0.1:${runtime.httpPort}/v1/servers`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'outage' }),
    });
    const { token, serverId } = (await created.json()) as { token: string; serverId: string };
    const events = await readAllEvents(MATCH);
    const frames = planFrames(
      events,
      { server: serverId, session: 'outage' },
      { maxEvents: 20, maxSpanMs: 1e9, maxBase64Chars: SENDER_FRAME_BASE64_CHARS },
    );
    const client = new PluginClient(frames, {
      url: `ws://127.0.0.1:${runtime.ingestPort}/`,
      token,
      window: 4,
      speed: 'max',
    });

    // The database stops after a third of the frames are acked and comes back two seconds later.
    let unavailable = 0;
    let stopped = false;
    let outage: Promise<void> = Promise.resolve();
    client.on('ack', () => {
      if (stopped || client.stats.ackedFrames < frames.length / 3) return;
      stopped = true;
      outage = (async () => {
        await server.stop();
        await new Promise((r) => setTimeout(r, 2_000));
        server = await startEmbeddedPostgres({ dataDir: join(dataDir, 'data'), port });
      })();
    });
    const stats = await client.run();
    await outage;
    unavailable = client.stats.resentFrames;

    expect(stopped).toBe(true);
    expect(stats.rejectedFrames).toBe(0);
    expect(unavailable).toBeGreaterThan(0);
    await waitForCount(() => count(url), events.length);
    const stored = await storedEvents(url);
    expect(stored).toHaveLength(events.length);
    expect(new Set(stored.map((row) => row.key)).size).toBe(events.length);
    expect(runtime.logs.some((entry) => String(entry.msg).includes('failed; retrying'))).toBe(true);
    expect(await runtime.stop()).toBe(0);
  });
});
