/**
 * `geqo up` ends the matches that will never end by themselves (issue 14, item 6): a match whose
 * server went quiet for `GEQO_ABANDON_AFTER_MINUTES` turns `abandoned` through the REST API and on
 * a dashboard following the match list, and one that never completed a round leaves the list
 * unless asked for with `?include=empty`.
 */
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardClient } from '../../cli/src/dashboard-client.ts';
import { planFrames } from '../../cli/src/replay/frame-batcher.ts';
import { PluginClient } from '../../cli/src/replay/plugin-client.ts';
import { type RuntimeProcess, startRuntimeProcess } from '../../local/src/process/runtime-process.ts';
import type { AnyEvent } from '../../shared/domain/events/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { waitForCount, waitForWorkerCheckpoint } from '../helpers/stored-events.ts';

let database: TestDatabase;
let runtime: RuntimeProcess;
let db: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase();
  // One minute idle: the sweep runs every 15 s.
  runtime = await startRuntimeProcess({
    databaseUrl: database.url,
    env: { GEQO_ABANDON_AFTER_MINUTES: '1' },
  });
  db = new pg.Client(database.url);
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  const code = await runtime?.stop();
  expect(code).toBe(0);
  await database?.drop();
});

const api = () => `http://127.0.0.1:${runtime.httpPort}`;

/** A new server that plays `events` as its plugin would; resolves once they are all stored. */
async function play(name: string, events: AnyEvent[]): Promise<string> {
  const created = await fetch(`${api()}/v1/servers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  const { token, serverId } = (await created.json()) as { token: string; serverId: string };
  const frames = planFrames(events, { server: serverId, session: 'boot' });
  const stats = await new PluginClient(frames, { url: `ws://127.0.0.1:${runtime.ingestPort}/`, token }).run();
  expect(stats.rejectedFrames).toBe(0);
  const stored = async () =>
    (
      await db.query<{ n: number }>('SELECT count(*)::int AS n FROM game_events WHERE server_id = $1', [
        serverId,
      ])
    ).rows[0]?.n ?? 0;
  await waitForCount(stored, events.length);
  // And the snapshots the worker puts off written: each write is activity of the server.
  await waitForWorkerCheckpoint(db);
  return serverId;
}

/** As if the server went quiet two minutes ago. */
async function quietSinceTwoMinutes(serverId: string): Promise<string> {
  const back = "now() - interval '2 minutes'";
  await db.query(`UPDATE match_state SET updated_at = ${back} WHERE server_id = $1`, [serverId]);
  const { rows } = await db.query<{ id: string }>(
    `UPDATE matches SET updated_at = ${back} WHERE server_id = $1 RETURNING id`,
    [serverId],
  );
  expect(rows).toHaveLength(1);
  return rows[0]?.id ?? '';
}

async function listed(query: string): Promise<{ id: string; status: string }[]> {
  return (
    (await (await fetch(`${api()}/v1/matches${query}`)).json()) as {
      matches: { id: string; status: string }[];
    }
  ).matches;
}

describe('geqo up and matches that never end', () => {
  it('abandons a match whose server went quiet, tells the dashboards, and hides an abandoned match with no round', async () => {
    // Prepare: one server stops after two rounds, another in its warmup.
    const synthetic = generateSyntheticMatch({ rounds: 24, seed: 11, startTs: Date.now() - 600_000 });
    let roundEnds = 0;
    const twoRounds = synthetic.slice(
      0,
      synthetic.findIndex((e) => e.type === 'round_end' && ++roundEnds === 2) + 1,
    );
    const playedServer = await play('played', twoRounds);
    const warmupServer = await play('warmup', [
      { type: 'map_start', ts: Date.now() - 300_000, map: 'de_nuke' },
      { type: 'warmup_start', ts: Date.now() - 299_000 },
    ]);
    const dashboard = await DashboardClient.connect(runtime.httpPort);
    await dashboard.subscribe({ topic: 'matches' });
    expect((await listed(`?server=${warmupServer}`)).map((m) => m.status)).toEqual(['warmup']);

    // Act
    const played = await quietSinceTwoMinutes(playedServer);
    const warmup = await quietSinceTwoMinutes(warmupServer);

    // Assess: within one sweep (15 s), both abandoned; dashboards told.
    const patch = await dashboard.waitFor(
      (m) =>
        m.type === 'match' && m.matchId === played && (m.match as { status?: string }).status === 'abandoned',
      45_000,
    );
    expect(patch.match).toMatchObject({ id: played, status: 'abandoned' });
    await dashboard.waitFor((m) => m.type === 'match' && m.matchId === warmup, 20_000);
    dashboard.close();
    const detail = (await (await fetch(`${api()}/v1/matches/${played}`)).json()) as {
      status: string;
      rounds: number;
    };
    expect(detail).toMatchObject({ status: 'abandoned', rounds: 2 });
    expect(await listed(`?server=${playedServer}`)).toEqual([expect.objectContaining({ id: played })]);
    expect(await listed(`?server=${warmupServer}`)).toEqual([]);
    expect(await listed(`?server=${warmupServer}&include=empty`)).toEqual([
      expect.objectContaining({ id: warmup, status: 'abandoned' }),
    ]);
    expect(await listed(`?server=${warmupServer}&status=abandoned`)).toHaveLength(1);
  });
});
