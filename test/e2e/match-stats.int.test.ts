/**
 * Match statistics end to end, as a user sees them: `geqo up` as its own process on a real
 * PostgreSQL, both recorded matches replayed by the plugin client, a dashboard following each
 * match live, and the REST API compared with `geqo analyze --json` of the same recordings.
 */
import { execFile } from 'node:child_process';
import { basename, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardClient, type DashboardMessage } from '../../cli/src/dashboard-client.ts';
import { type PlannedFrame, planFrames } from '../../cli/src/replay/frame-batcher.ts';
import { PluginClient } from '../../cli/src/replay/plugin-client.ts';
import { readAllEvents } from '../../cli/src/replay/read-events.ts';
import { type RuntimeProcess, startRuntimeProcess } from '../../local/src/process/runtime-process.ts';
import { type MatchSummary, toSummaryPlayer } from '../../shared/domain/match/index.ts';
import type { PlayerMatchStats } from '../../shared/domain/stats/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { waitForCount } from '../helpers/stored-events.ts';

const FIXTURES = resolve('../shared/fixtures/matches');
const RECORDINGS = [
  resolve(FIXTURES, '2026-02-09_de_nuke_FURIA_2-13_Team_Vitality.jsonl'),
  resolve(FIXTURES, '2026-05-17_de_ancient_Team_Spirit_13-10_Team_Falcons.jsonl'),
];
const GEQO = resolve('bin/geqo.mjs');
const SESSION = 'stats-e2e';

let database: TestDatabase;
let runtime: RuntimeProcess;
let db: pg.Client;
let api: string;

/** A recording replayed into the runtime: its server, frames, match and dashboard. */
interface Replayed {
  path: string;
  serverId: string;
  token: string;
  frames: PlannedFrame[];
  matchId: string;
  dashboard: DashboardClient;
}
const replayed: Replayed[] = [];

async function getJson<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${api}${path}`);
  return { status: response.status, body: (await response.json()) as T };
}

/** Waits until the worker has committed everything on the raw stream. */
async function workerDrained(): Promise<void> {
  await waitForCount(async () => {
    const { rows } = await db.query<{ behind: number }>(
      `SELECT (coalesce((SELECT max(id) FROM stream_records WHERE stream = 'raw-game-events'), 0)
            - coalesce((SELECT "offset" FROM stream_offsets WHERE stream = 'raw-game-events' AND consumer = 'worker'), 0)
              )::int AS behind`,
    );
    return rows[0]!.behind === 0 ? 1 : 0;
  }, 1);
}

/** Waits until every ended match has aggregates of its current row. */
async function aggregated(count: number): Promise<void> {
  await waitForCount(async () => {
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM matches WHERE stats_version >= updated_at',
    );
    return rows[0]!.n;
  }, count);
}

async function analyzeJson(path: string): Promise<MatchSummary> {
  const { stdout } = await promisify(execFile)(process.execPath, [GEQO, 'analyze', path, '--json']);
  // The MatchSummary, without what analyze adds about the file: which of its matches this is.
  const {
    match: _match,
    matches: _matches,
    ...summary
  } = JSON.parse(stdout) as MatchSummary & {
    match?: unknown;
    matches?: unknown;
  };
  return summary;
}

const statsOf = (messages: readonly DashboardMessage[], matchId: string) =>
  messages.filter(
    (message) => message.type === 'stats' && message.matchId === matchId,
  ) as (DashboardMessage & {
    round: number;
    players: PlayerMatchStats[];
  })[];

beforeAll(async () => {
  database = await createTestDatabase();
  runtime = await startRuntimeProcess({ databaseUrl: database.url });
  api = `http://127.0.0.1:${runtime.httpPort}`;
  db = new pg.Client(database.url);
  await db.connect();

  // Both recordings, each from its own server, each followed live by a dashboard.
  const url = `ws://127.0.0.1:${runtime.ingestPort}/`;
  for (const [index, path] of RECORDINGS.entries()) {
    const created = await fetch(`${api}/v1/servers`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: `stats ${index}` }),
    });
    const { token, serverId } = (await created.json()) as { token: string; serverId: string };
    const frames = planFrames(await readAllEvents(path), { server: serverId, session: SESSION });
    const dashboard = await DashboardClient.connect(runtime.httpPort);
    await dashboard.subscribe({ topic: 'matches' });
    await new PluginClient(frames.slice(0, 1), { url, token }).run();
    const started = await dashboard.waitFor(
      (message) => message.type === 'match' && (message.match as { serverId?: string }).serverId === serverId,
    );
    const matchId = String(started.matchId);
    await dashboard.subscribe({ matchId });
    const sent = await new PluginClient(frames.slice(1), { url, token }).run();
    expect(sent.rejectedFrames).toBe(0);
    replayed.push({ path, serverId, token, frames, matchId, dashboard });
  }
  await workerDrained();
  await aggregated(RECORDINGS.length);
});

afterAll(async () => {
  for (const { dashboard } of replayed) dashboard.close();
  await db?.end();
  const code = await runtime?.stop();
  expect(code).toBe(0);
  await database?.drop();
});

describe('match statistics served by geqo up', () => {
  it.each(RECORDINGS.map((path, index) => ({ path, index, label: basename(path, '.jsonl') })))(
    'serves the summary `geqo analyze --json` prints for $label',
    async ({ path, index }) => {
      // Prepare
      const { matchId } = replayed[index]!;
      const expected = await analyzeJson(path);

      // Act
      const summary = await getJson<MatchSummary>(`/v1/matches/${matchId}/summary`);
      const rounds = await getJson<{ rounds: { number: number; kills: number | null }[] }>(
        `/v1/matches/${matchId}/rounds`,
      );

      // Assess
      expect(summary.status).toBe(200);
      expect(summary.body).toEqual(expected);
      expect(rounds.body.rounds.map(({ number, kills }) => ({ number, kills }))).toEqual(
        expected.rounds.map(({ number, kills }) => ({ number, kills })),
      );
    },
  );

  it('pushed live statistics whose figures after the last round are the final ones', async () => {
    for (const { matchId, dashboard, path } of replayed) {
      // Prepare
      const expected = await analyzeJson(path);
      const { rows } = await db.query<{
        stats: PlayerMatchStats & { kastRounds: number; oneKillRounds: number };
      }>('SELECT stats FROM player_match_stats WHERE match_id = $1 ORDER BY ordinal', [matchId]);

      // Act
      const live = statsOf(dashboard.messages, matchId);

      // Assess: one message per round, in order, or more when post-round events changed a round
      // after it was sent (they came in a later batch): then the round is sent again.
      const sent = live.map((message) => message.round);
      expect([...new Set(sent)]).toEqual(expected.rounds.map((round) => round.number));
      expect(sent).toEqual([...sent].sort((a, b) => a - b));
      const last = live.at(-1)!;
      expect(last.players.map(toSummaryPlayer)).toEqual(expected.players);
      expect(last.players).toEqual(
        rows.map(({ stats: { kastRounds: _k, oneKillRounds: _o, ...line } }) => line),
      );
    }
  });

  it("serves a player's career and a 404 for an unknown one", async () => {
    // Prepare
    const [first] = replayed;
    const summary = await getJson<MatchSummary>(`/v1/matches/${first!.matchId}/summary`);
    const player = summary.body.players[0]!;

    // Act
    const career = await getJson<{ name: string; career: { matches: number; kills: number; adr: number } }>(
      `/v1/players/${player.steamId}`,
    );
    const unknown = await getJson<{ code: string }>('/v1/players/76561190000000000');
    const noMatch = await getJson<{ code: string }>('/v1/matches/m_0000000000000000/summary');

    // Assess
    expect(career.status).toBe(200);
    expect(career.body).toMatchObject({
      name: player.name,
      career: { matches: 1, kills: player.kills, adr: player.adr },
    });
    expect(unknown.status).toBe(404);
    expect(noMatch.status).toBe(404);
  });

  it('changes nothing when a recording is sent again as a resend of the same session', async () => {
    // Prepare
    const state = async () => ({
      matches: (await db.query('SELECT * FROM matches ORDER BY id')).rows,
      rounds: (await db.query('SELECT * FROM rounds ORDER BY match_id, number')).rows,
      stats: (await db.query('SELECT * FROM player_match_stats ORDER BY match_id, ordinal')).rows,
      events: (await db.query('SELECT count(*)::int AS n FROM game_events')).rows[0].n as number,
      summaries: await Promise.all(
        replayed.map(async ({ matchId }) => (await getJson(`/v1/matches/${matchId}/summary`)).body),
      ),
      live: replayed.map(({ matchId, dashboard }) => statsOf(dashboard.messages, matchId).length),
    });
    const before = await state();
    const [first] = replayed;
    const url = `ws://127.0.0.1:${runtime.ingestPort}/`;

    // Act
    const resent = await new PluginClient(first!.frames, { url, token: first!.token }).run();
    await workerDrained();

    // Assess
    expect(resent.rejectedFrames).toBe(0);
    expect(await state()).toEqual(before);
  });
});
