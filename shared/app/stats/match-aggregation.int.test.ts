/**
 * The statistics wired into the pipeline, on a real PostgreSQL: recorded matches go through the
 * worker as plugin frames, the aggregation step recomputes them from the stored events, and the
 * figures served (summary, rounds, career) and pushed live are compared with `geqo analyze`.
 */
import { resolve } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { silentLogger } from '../../adapters/logging/index.ts';
import { MemoryStream } from '../../adapters/memory/index.ts';
import { noMetrics } from '../../adapters/metrics/index.ts';
import {
  createPool,
  migrate,
  PostgresEventStore,
  PostgresMatchQueries,
  PostgresMatchStatsStore,
  PostgresStatsQueries,
} from '../../adapters/postgres/index.ts';
import { encodeFrame } from '../../domain/codec/index.ts';
import type { AnyEvent } from '../../domain/events/index.ts';
import type { MatchSummary } from '../../domain/match/index.ts';
import { ROSTERS, ScriptedServer } from '../../domain/match/test-helpers.ts';
import { buildTimeline } from '../../domain/match/timeline.ts';
import {
  computeMatchStats,
  type PlayerMatchStats,
  type StoredPlayerStats,
} from '../../domain/stats/index.ts';
import type { ConsumedRecord, ProcessedMessage } from '../../ports/index.ts';
import { analyzeJsonLinesFile, pickMainMatch, readEventLines } from '../analyze/index.ts';
import { GameEventWorker } from '../worker/game-event-worker.ts';
import { matchEngineDriver } from '../worker/match-engine-driver.ts';
import { MatchAggregator } from './match-aggregator.ts';
import { MatchStatsService } from './match-stats-service.ts';

const FIXTURES = resolve('../shared/fixtures/matches');
const NUKE = resolve(FIXTURES, '2026-02-09_de_nuke_FURIA_2-13_Team_Vitality.jsonl');
const ANCIENT = resolve(FIXTURES, '2026-05-17_de_ancient_Team_Spirit_13-10_Team_Falcons.jsonl');

/** A database with the whole statistics pipeline over it. */
interface Pipeline {
  database: TestDatabase;
  pool: pg.Pool;
  aggregator: MatchAggregator;
  service: MatchStatsService;
  processed: MemoryStream;
  /** A worker; with `aggregate`, it aggregates ended matches right after their batch commits. */
  worker(options?: { aggregate?: boolean }): GameEventWorker;
}

async function openPipeline(): Promise<Pipeline> {
  const database = await createTestDatabase('geqo_stats');
  const pool = createPool(database.url);
  await migrate(pool);
  const store = new PostgresMatchStatsStore(pool);
  const aggregator = new MatchAggregator({ store, logger: silentLogger, metrics: noMetrics });
  const service = new MatchStatsService({ queries: new PostgresStatsQueries(pool), store, aggregator });
  const processed = new MemoryStream();
  return {
    database,
    pool,
    aggregator,
    service,
    processed,
    worker: (options = {}) =>
      new GameEventWorker({
        store: new PostgresEventStore(pool),
        engine: matchEngineDriver,
        logger: silentLogger,
        metrics: noMetrics,
        processed: { producer: processed, stream: 'processed' },
        ...(options.aggregate === false
          ? {}
          : {
              onMatchesEnded: async (matchIds: readonly string[]) => {
                for (const matchId of matchIds) await aggregator.aggregate(matchId);
              },
            }),
      }),
  };
}

async function closePipeline(pipeline: Pipeline | undefined): Promise<void> {
  await pipeline?.pool.end();
  await pipeline?.database.drop();
}

async function readEvents(path: string): Promise<AnyEvent[]> {
  const events: AnyEvent[] = [];
  for await (const { event } of readEventLines(path)) events.push(event);
  return events;
}

/** A plugin session's frames (40 events each) as stream records. */
function frameRecords(server: string, session: string, events: readonly AnyEvent[]): ConsumedRecord[] {
  const records: ConsumedRecord[] = [];
  for (let start = 0, seq = 1; start < events.length; start += 40, seq += 1) {
    const data = encodeFrame({
      v: 1,
      server,
      session,
      seq,
      sentAt: 0,
      events: events.slice(start, start + 40),
    });
    records.push({
      stream: 'raw',
      shard: 'local',
      position: `${server}/${seq}`,
      partitionKey: server,
      data,
      arrivedAt: 0,
    });
  }
  return records;
}

/** Feeds records through the worker, ten frames a batch. */
async function run(worker: GameEventWorker, records: readonly ConsumedRecord[]): Promise<void> {
  for (let start = 0; start < records.length; start += 10)
    await worker.processBatch(records.slice(start, start + 10));
}

async function matchIdOf(pool: pg.Pool, serverId: string): Promise<string> {
  const { rows } = await pool.query<{ id: string }>('SELECT id FROM matches WHERE server_id = $1', [
    serverId,
  ]);
  expect(rows).toHaveLength(1);
  return rows[0]!.id;
}

/** Every `stats` message published so far for a match, in order. */
async function statsMessages(processed: MemoryStream, matchId: string) {
  const consumer = processed.consumer('processed', `test-${Math.random()}`);
  const records = await consumer.poll(1_000_000, 0);
  return records
    .map((record) => JSON.parse(new TextDecoder().decode(record.data)) as ProcessedMessage)
    .filter((message) => message.type === 'stats' && message.matchId === matchId)
    .map((message) => message as Extract<ProcessedMessage, { type: 'stats' }>);
}

async function storedLines(pool: pg.Pool, matchId: string): Promise<StoredPlayerStats[]> {
  const { rows } = await pool.query<{ stats: StoredPlayerStats }>(
    'SELECT stats FROM player_match_stats WHERE match_id = $1 ORDER BY ordinal',
    [matchId],
  );
  return rows.map((row) => row.stats);
}

const withoutCareerCounts = ({
  kastRounds: _k,
  oneKillRounds: _o,
  ...line
}: StoredPlayerStats): PlayerMatchStats => line;

async function analyzedSummary(path: string): Promise<MatchSummary> {
  const main = pickMainMatch(await analyzeJsonLinesFile(path));
  if (main === undefined) throw new Error(`no match in ${path}`);
  return main.summary;
}

describe.each([
  { label: 'de_nuke', path: NUKE, server: 'srv_statsnuke001' },
  { label: 'de_ancient', path: ANCIENT, server: 'srv_statsancient' },
])('statistics of the $label recording through the worker', ({ path, server }) => {
  let pipeline: Pipeline;
  let matchId: string;
  let records: ConsumedRecord[];

  beforeAll(async () => {
    pipeline = await openPipeline();
    records = frameRecords(server, 'boot-1', await readEvents(path));
    await run(pipeline.worker(), records);
    matchId = await matchIdOf(pipeline.pool, server);
  });
  afterAll(() => closePipeline(pipeline));

  it('serves the summary of `geqo analyze` from the aggregates written when the match ended', async () => {
    // Prepare
    const expected = await analyzedSummary(path);

    // Act
    const stored = await new PostgresStatsQueries(pipeline.pool).storedSummary(matchId);
    const served = await pipeline.service.summary(matchId);

    // Assess
    expect(stored?.fresh).toBe(true);
    expect(stored?.summary).toEqual(expected);
    expect(served).toEqual(expected);
    expect(expected.status).toBe('finished');
    expect(await storedLines(pipeline.pool, matchId)).toHaveLength(10);
  });

  it('pushed live figures that, after the last round, are the final ones', async () => {
    // Act
    const messages = await statsMessages(pipeline.processed, matchId);
    const final = (await storedLines(pipeline.pool, matchId)).map(withoutCareerCounts);

    // Assess
    const summary = await analyzedSummary(path);
    expect(messages.at(-1)?.round).toBe(summary.rounds.length);
    expect(messages.at(-1)?.players).toEqual(final);
    expect(messages.map((message) => message.round)).toEqual(summary.rounds.map((round) => round.number));
  });

  it('lists each round with its kills', async () => {
    // Act
    const rounds = await new PostgresMatchQueries(pipeline.pool).listRounds(matchId);

    // Assess
    const summary = await analyzedSummary(path);
    expect(rounds.map(({ number, kills }) => ({ number, kills }))).toEqual(
      summary.rounds.map(({ number, kills }) => ({ number, kills })),
    );
  });

  it("sums a player's career over the stored matches", async () => {
    // Prepare
    const line = (await storedLines(pipeline.pool, matchId))[0]!;

    // Act
    const career = await pipeline.service.career(line.steamId);

    // Assess
    expect(career?.name).toBe(line.name);
    expect(career?.career).toMatchObject({
      matches: 1,
      kills: line.kills,
      deaths: line.deaths,
      adr: line.adr,
      kast: line.kast,
      rating1: line.rating1,
      rating2approx: line.rating2approx,
    });
    expect(career?.recentMatches).toEqual([expect.objectContaining({ matchId, kills: line.kills })]);
    expect(career?.maps).toEqual([
      {
        map: expect.any(String),
        stats: expect.objectContaining({ matches: 1, kills: line.kills, adr: line.adr }),
      },
    ]);
    expect(await pipeline.service.career('76561190000000000')).toBeNull();
  });

  it('changes nothing when the same session is sent again', async () => {
    // Prepare
    const before = {
      summary: await pipeline.service.summary(matchId),
      lines: await storedLines(pipeline.pool, matchId),
      version: (await pipeline.pool.query('SELECT updated_at, stats_version FROM matches')).rows,
      messages: (await statsMessages(pipeline.processed, matchId)).length,
    };

    // Act
    await run(pipeline.worker(), records);

    // Assess
    expect(await pipeline.service.summary(matchId)).toEqual(before.summary);
    expect(await storedLines(pipeline.pool, matchId)).toEqual(before.lines);
    expect((await pipeline.pool.query('SELECT updated_at, stats_version FROM matches')).rows).toEqual(
      before.version,
    );
    expect(await statsMessages(pipeline.processed, matchId)).toHaveLength(before.messages);
  });
});

describe('a recorded match sent twice (the second time as a resend of the same session)', () => {
  let once: Pipeline;
  let twice: Pipeline;
  beforeAll(async () => {
    [once, twice] = await Promise.all([openPipeline(), openPipeline()]);
  });
  afterAll(async () => {
    await closePipeline(once);
    await closePipeline(twice);
  });

  it('stores the same matches, rounds, statistics and summary as a single run', async () => {
    // Prepare
    const records = frameRecords('srv_statstwice01', 'boot-1', await readEvents(ANCIENT));
    const snapshot = async (pipeline: Pipeline) => {
      const matchId = await matchIdOf(pipeline.pool, 'srv_statstwice01');
      const matches = await pipeline.pool.query(
        `SELECT id, server_id, external_id, map, tag, status, teams, score, gaps, started_at, ended_at
           FROM matches ORDER BY id`,
      );
      const rounds = await pipeline.pool.query(
        `SELECT match_id, number, winner_side, winner_team, reason, score_after, started_at, ended_at, voided, kills
           FROM rounds ORDER BY match_id, number`,
      );
      const events = await pipeline.pool.query('SELECT count(*)::int AS n FROM game_events');
      return {
        matches: matches.rows,
        rounds: rounds.rows,
        events: events.rows[0].n as number,
        lines: await storedLines(pipeline.pool, matchId),
        summary: await pipeline.service.summary(matchId),
      };
    };

    // Act: once; twice, the second time from another worker instance, as after a restart.
    await run(once.worker(), records);
    await run(twice.worker(), records);
    await run(twice.worker(), records);

    // Assess
    const single = await snapshot(once);
    expect(await snapshot(twice)).toEqual(single);
    expect(single.rounds).toHaveLength(23);
    expect(single.summary).toEqual(await analyzedSummary(ANCIENT));
  });
});

describe('aggregation of a match whose rounds were voided, and after a crash', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await openPipeline();
  });
  afterAll(() => closePipeline(pipeline));

  const a1 = ROSTERS.alpha[0]!;
  const a2 = ROSTERS.alpha[1]!;
  const b1 = ROSTERS.bravo[0]!;
  const b2 = ROSTERS.bravo[1]!;

  /** Three rounds, a restore of the backup of round 1, rounds 2-3 replayed, and 11 more to 13-3. */
  function restoredMatch(): ScriptedServer {
    const server = new ScriptedServer();
    server.ts = Date.UTC(2026, 5, 1, 18);
    server.loadMap();
    server.send({ type: 'match_start' });
    server.playRound({ winner: 'alpha', kills: [[a1, b1]] });
    server.playRound({
      winner: 'alpha',
      kills: [
        [a1, b1],
        [a1, b2],
      ],
    });
    server.playRound({ winner: 'bravo', kills: [[b1, a1]] });
    server.send({ type: 'backup_restore', round: 1 });
    server.setScore({ alpha: 1, bravo: 0 });
    for (const steamId of ROSTERS.alpha)
      server.send({ type: 'player_death', victim: steamId, weapon: 'world' });
    server.playRound({ winner: 'bravo', kills: [[b2, a2]] });
    server.playRound({
      winner: 'bravo',
      kills: [
        [b2, a2],
        [b1, a1],
      ],
    });
    for (let round = 4; round <= 12; round += 1) server.playRound({ winner: 'alpha', kills: [[a2, b2]] });
    server.switchSides();
    server.send({ type: 'halftime' });
    while (server.score.alpha < 13) server.playRound({ winner: 'alpha', kills: [[a1, b1]] });
    server.send({ type: 'match_end', ...server.scoreBySide() });
    return server;
  }

  it('aggregates only the replayed rounds, as the live figures count them', async () => {
    // Prepare
    const server = restoredMatch();
    const events = server.steps.map((step) => step.enriched.event);
    const expected = computeMatchStats(buildTimeline(server.enriched()));

    // Act
    await run(pipeline.worker(), frameRecords('srv_statsrestore', 'boot-1', events));

    // Assess
    const matchId = await matchIdOf(pipeline.pool, 'srv_statsrestore');
    const lines = (await storedLines(pipeline.pool, matchId)).map(withoutCareerCounts);
    expect(lines).toEqual(expected);
    // Round 1, and 3 rounds after halftime; the voided attempts of rounds 2 and 3 (2 kills, 1 death) do not count.
    expect(lines.find((line) => line.steamId === a1)).toMatchObject({ kills: 4, deaths: 1 });
    const messages = await statsMessages(pipeline.processed, matchId);
    expect(messages.filter((message) => message.voidedFrom !== undefined)).toEqual([
      expect.objectContaining({ round: 1, voidedFrom: 2 }),
    ]);
    expect(messages.at(-1)?.players).toEqual(expected);
    const rounds = await new PostgresMatchQueries(pipeline.pool).listRounds(matchId);
    expect(rounds.slice(0, 3).map(({ number, kills }) => ({ number, kills }))).toEqual([
      { number: 1, kills: 1 },
      { number: 2, kills: 1 },
      { number: 3, kills: 2 },
    ]);
  });

  it('aggregates a match the worker ended before a crash on the next sweep, and again once it changes', async () => {
    // Prepare: the worker commits the match's end, and the aggregation never runs (a crash).
    const events = await readEvents(NUKE);
    await run(pipeline.worker({ aggregate: false }), frameRecords('srv_statscrash01', 'boot-1', events));
    const matchId = await matchIdOf(pipeline.pool, 'srv_statscrash01');
    const expected = await analyzedSummary(NUKE);
    const pendingBefore = await new PostgresMatchStatsStore(pipeline.pool).pendingMatches(100);
    const servedWhilePending = await pipeline.service.summary(matchId);

    // Act
    const rests: number[] = [];
    const firstSweep = await pipeline.aggregator.aggregatePending(20, async (tookMs) => {
      rests.push(tookMs);
    });
    // Any later change of the match row (here the score, as a late correction would) makes them stale.
    await pipeline.pool.query(
      `UPDATE matches SET score = score || '{"FURIA": 3}'::jsonb, updated_at = now() WHERE id = $1`,
      [matchId],
    );
    const stale = await new PostgresStatsQueries(pipeline.pool).storedSummary(matchId);
    const secondSweep = await pipeline.aggregator.aggregatePending();
    const thirdSweep = await pipeline.aggregator.aggregatePending();

    // Assess
    expect(pendingBefore).toEqual([matchId]);
    expect(servedWhilePending).toEqual(expected);
    expect(firstSweep).toEqual({ pending: 1, written: 1 });
    expect(rests).toHaveLength(1);
    expect(rests[0]).toBeGreaterThanOrEqual(0);
    expect(stale?.fresh).toBe(false);
    expect(secondSweep).toEqual({ pending: 1, written: 1 });
    expect(thirdSweep).toEqual({ pending: 0, written: 0 });
    const served = await pipeline.service.summary(matchId);
    expect(served?.players).toEqual(expected.players);
    expect(served?.teams.find((team) => team.name === 'FURIA')?.score).toBe(3);
  });
});
