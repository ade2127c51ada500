/**
 * A runtime killed with SIGKILL in the middle of a replay loses nothing it acked and writes
 * nothing twice: after a restart and the client's resend, the stored events equal those of an
 * uninterrupted run, key for key.
 */
import { resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planFrames } from '../../cli/src/replay/frame-batcher.ts';
import { PluginClient } from '../../cli/src/replay/plugin-client.ts';
import { readAllEvents } from '../../cli/src/replay/read-events.ts';
import { freePort, startRuntimeProcess } from '../../local/src/process/runtime-process.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { countEvents, storedEvents, waitForCount } from '../helpers/stored-events.ts';

const MATCH = resolve(
  '../shared/fixtures/matches/2026-05-17_de_ancient_Team_Spirit_13-10_Team_Falcons.jsonl',
);
const SESSION = 'crash-test-session';

let reference: TestDatabase;
let crashed: TestDatabase;

beforeAll(async () => {
  [reference, crashed] = await Promise.all([
    createTestDatabase('geqo_ref'),
    createTestDatabase('geqo_crash'),
  ]);
});

afterAll(async () => {
  await Promise.all([reference?.drop(), crashed?.drop()]);
});

async function copyServers(from: string, to: string): Promise<void> {
  const source = new pg.Client(from);
  const target = new pg.Client(to);
  await Promise.all([source.connect(), target.connect()]);
  const { rows } = await source.query('SELECT id, name, token_hash, created_at FROM servers');
  for (const row of rows) {
    await target.query('INSERT INTO servers (id, name, token_hash, created_at) VALUES ($1, $2, $3, $4)', [
      row.id,
      row.name,
      row.token_hash,
      row.created_at,
    ]);
  }
  await Promise.all([source.end(), target.end()]);
}

/** `rounds`, `matches` and `match_players` as rows (without bookkeeping timestamps). */
async function matchTables(url: string) {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const rounds = await client.query('SELECT * FROM rounds ORDER BY match_id, number');
    const matches = await client.query(
      'SELECT id, server_id, external_id, map, tag, status, teams, score, gaps, started_at, ended_at FROM matches ORDER BY id',
    );
    const players = await client.query('SELECT * FROM match_players ORDER BY match_id, steam_id');
    return { rounds: rounds.rows, matches: matches.rows, players: players.rows };
  } finally {
    await client.end();
  }
}

/** The MatchSummary of the one match on a runtime, once its statistics are aggregated. */
async function summaryOf(httpPort: number): Promise<unknown> {
  const api = `http://127.0.0.1:${httpPort}`;
  const { matches } = (await (await fetch(`${api}/v1/matches`)).json()) as { matches: { id: string }[] };
  expect(matches).toHaveLength(1);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await fetch(`${api}/v1/matches/${matches[0]!.id}/summary`);
    if (response.ok) return response.json();
    if (Date.now() > deadline) throw new Error(`no summary: ${response.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('crash recovery', () => {
  it('a SIGKILL mid-replay, a restart and the resend store exactly what an uninterrupted run stores', async () => {
    const events = await readAllEvents(MATCH);

    // Reference: an uninterrupted run.
    const first = await startRuntimeProcess({ databaseUrl: reference.url });
    const created = await fetch(`http://127.0.0.1:${first.httpPort}/v1/servers`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'crash' }),
    });
    const { token, serverId } = (await created.json()) as { token: string; serverId: string };
    const frames = planFrames(events, { server: serverId, session: SESSION });
    await new PluginClient(frames, { url: `ws://127.0.0.1:${first.ingestPort}/`, token, window: 16 }).run();
    await waitForCount(() => countEvents(reference.url), events.length);
    const expectedSummary = await summaryOf(first.httpPort);
    expect(await first.stop()).toBe(0);
    const expected = await storedEvents(reference.url);

    // The same server (same id and token) on a second database; the runtime dies mid-replay.
    const ingestPort = await freePort();
    let runtime = await startRuntimeProcess({ databaseUrl: crashed.url, ingestPort });
    await copyServers(reference.url, crashed.url);
    const client = new PluginClient(frames, {
      url: `ws://127.0.0.1:${ingestPort}/`,
      token,
      window: 16,
      minBackoffMs: 50,
      maxBackoffMs: 500,
      maxReconnects: 200,
    });
    let killed = false;
    const killAt = Math.floor(frames.length * 0.4);
    const restarted = new Promise<void>((resolveRestart, reject) => {
      client.on('ack', () => {
        if (killed || client.stats.ackedFrames < killAt) return;
        killed = true;
        runtime
          .kill()
          .then(async () => {
            runtime = await startRuntimeProcess({ databaseUrl: crashed.url, ingestPort });
            resolveRestart();
          })
          .catch(reject);
      });
    });
    const stats = await client.run();
    await restarted;

    // Assess: the client reconnected and resent; the stored rows equal the reference, key for key.
    expect(killed).toBe(true);
    expect(stats.reconnects).toBeGreaterThan(0);
    expect(stats.rejectedFrames).toBe(0);
    await waitForCount(() => countEvents(crashed.url), events.length);
    const actualSummary = await summaryOf(runtime.httpPort);
    expect(await runtime.stop()).toBe(0);
    const actual = await storedEvents(crashed.url);
    expect(actual).toHaveLength(expected.length);
    expect(actual).toEqual(expected);
    // And the match as the engine saw it: the same rounds and the same match row.
    expect(await matchTables(crashed.url)).toEqual(await matchTables(reference.url));
    // And the statistics served for it.
    expect(actualSummary).toEqual(expectedSummary);
    expect((actualSummary as { players: unknown[] }).players).toHaveLength(10);
  });
});
