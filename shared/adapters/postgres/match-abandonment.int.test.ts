/**
 * Matches that never end by themselves (issue 14, item 6), on a real PostgreSQL through the real
 * worker and event store: abandoned when a newer match starts on their server or when their
 * server stays quiet; then aggregated, and left out of the match list when they never completed
 * a round.
 */
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { MatchAggregator } from '../../app/stats/index.ts';
import { GameEventWorker } from '../../app/worker/game-event-worker.ts';
import { matchEngineDriver } from '../../app/worker/match-engine-driver.ts';
import { encodeFrame } from '../../domain/codec/index.ts';
import type { AnyEvent } from '../../domain/events/index.ts';
import type { ConsumedRecord } from '../../ports/index.ts';
import { silentLogger } from '../logging/index.ts';
import { noMetrics } from '../metrics/index.ts';
import { createPool, migrate, PostgresEventStore } from './index.ts';
import { abandonIdleMatches } from './match-abandonment.ts';
import { PostgresMatchQueries } from './match-queries.ts';
import { PostgresMatchStatsStore } from './match-stats-store.ts';

let database: TestDatabase;
let pool: ReturnType<typeof createPool>;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url);
  await migrate(pool);
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

const THIRTY_MINUTES = 30 * 60_000;
let position = 0;

const nextSeq = new Map<string, number>();

/**
 * Sends `events` as `serverId`'s plugin would (frames of at most 40 events, in order), as one
 * batch of a fresh worker (it resumes from the server's snapshot).
 */
async function send(serverId: string, events: AnyEvent[], session = 'boot'): Promise<void> {
  const records: ConsumedRecord[] = [];
  for (let i = 0; i < events.length; i += 40) {
    const seq = nextSeq.get(`${serverId}/${session}`) ?? 1;
    nextSeq.set(`${serverId}/${session}`, seq + 1);
    position += 1;
    records.push({
      stream: 'raw',
      shard: 'local',
      position: String(position),
      partitionKey: serverId,
      data: encodeFrame({
        v: 1,
        server: serverId,
        session,
        seq,
        sentAt: 0,
        events: events.slice(i, i + 40),
      }),
      arrivedAt: 1_000,
    });
  }
  const worker = new GameEventWorker({
    store: new PostgresEventStore(pool),
    engine: matchEngineDriver,
    logger: silentLogger,
    metrics: noMetrics,
    sequencer: { maxBuffered: 4, maxWaitMs: 60_000, sessionTtlMs: 86_400_000 },
  });
  const report = await worker.processBatch(records);
  expect(report.deadLettered).toBe(0);
}

/** A synthetic match up to the end of its second live round (the match in play, 2 rounds done). */
function twoRoundsPlayed(startTs: number): AnyEvent[] {
  const events = generateSyntheticMatch({ rounds: 24, seed: 5, startTs });
  let roundEnds = 0;
  const end = events.findIndex((event) => event.type === 'round_end' && ++roundEnds === 2);
  return events.slice(0, end + 1);
}

interface MatchRow {
  id: string;
  status: string;
  started_at: Date;
  ended_at: Date | null;
}

async function matchesOf(serverId: string): Promise<MatchRow[]> {
  const { rows } = await pool.query<MatchRow>(
    'SELECT id, status, started_at, ended_at FROM matches WHERE server_id = $1 ORDER BY started_at',
    [serverId],
  );
  return rows;
}

/** Sets a server's last batch and its matches' last change `minutes` back, as if it went quiet then. */
async function quietFor(serverId: string, minutes: number): Promise<void> {
  const back = `now() - interval '${minutes} minutes'`;
  await pool.query(`UPDATE matches SET updated_at = ${back} WHERE server_id = $1`, [serverId]);
  await pool.query(`UPDATE match_state SET updated_at = ${back} WHERE server_id = $1`, [serverId]);
}

describe('matches that never end by themselves', () => {
  it('abandons a match in play when a newer match starts on its server', async () => {
    // Prepare
    const server = 'srv_abandon_next01';
    const played = twoRoundsPlayed(Date.UTC(2026, 10, 2, 18));
    await send(server, played);
    const nextMapAt = (played.at(-1)?.ts ?? 0) + 60_000;

    // Act
    await send(server, [{ type: 'map_start', ts: nextMapAt, map: 'de_inferno' }]);

    // Assess
    const [first, second] = await matchesOf(server);
    expect(first).toMatchObject({ status: 'abandoned', ended_at: new Date(nextMapAt) });
    expect(second?.status).toBe('warmup');
  });

  it('abandons the older match even when the engine lost it (its snapshot gone), in the batch of the new one', async () => {
    // Prepare: a match in play, then the server's snapshot lost: the engine starts afresh.
    const server = 'srv_abandon_lost01';
    const played = twoRoundsPlayed(Date.UTC(2026, 10, 3, 18));
    await send(server, played);
    await pool.query('DELETE FROM match_state WHERE server_id = $1', [server]);
    const nextMapAt = (played.at(-1)?.ts ?? 0) + 60_000;

    // Act: the plugin, restarted, starts a new map.
    await send(server, [{ type: 'map_start', ts: nextMapAt, map: 'de_inferno' }], 'reboot');

    // Assess
    const [first, second] = await matchesOf(server);
    expect(first).toMatchObject({ status: 'abandoned', ended_at: new Date(nextMapAt) });
    expect(second?.status).toBe('warmup');
  });

  it('abandons a match whose server sent nothing for the idle time, leaves a busy one alone, and aggregates it', async () => {
    // Prepare: two servers with a match in play; one went quiet 31 minutes ago.
    const quiet = 'srv_abandon_idle01';
    const busy = 'srv_abandon_busy01';
    const played = twoRoundsPlayed(Date.UTC(2026, 10, 4, 18));
    await send(quiet, played);
    await send(busy, played);
    await quietFor(quiet, 31);
    const quietMatch = (await matchesOf(quiet))[0];

    // Act
    const patches = await abandonIdleMatches(pool, THIRTY_MINUTES);
    const aggregated = await new MatchAggregator({
      store: new PostgresMatchStatsStore(pool),
      logger: silentLogger,
      metrics: noMetrics,
    }).aggregatePending(20);

    // Assess: ended at its last stored event; the statistics job took it like a finished match.
    const busyMatch = (await matchesOf(busy))[0];
    expect(patches.filter((patch) => patch.id === quietMatch?.id)).toEqual([
      { id: quietMatch?.id, status: 'abandoned', endedAt: played.at(-1)?.ts },
    ]);
    expect(patches.map((patch) => patch.id)).not.toContain(busyMatch?.id);
    expect((await matchesOf(quiet))[0]?.status).toBe('abandoned');
    expect((await matchesOf(busy))[0]?.status).toBe('live');
    expect(aggregated.written).toBeGreaterThanOrEqual(1);
    const { rows } = await pool.query(
      'SELECT count(*)::int AS n FROM player_match_stats WHERE match_id = $1',
      [quietMatch?.id],
    );
    expect(rows[0].n).toBe(10);
  });

  it('leaves a match alone while its server has been quiet for less than the idle time', async () => {
    // Prepare
    const server = 'srv_abandon_wait01';
    await send(server, twoRoundsPlayed(Date.UTC(2026, 10, 5, 18)));
    await quietFor(server, 29);

    // Act
    const patches = await abandonIdleMatches(pool, THIRTY_MINUTES);

    // Assess
    expect(patches.map((patch) => patch.id)).not.toContain((await matchesOf(server))[0]?.id);
    expect((await matchesOf(server))[0]?.status).toBe('live');
  });

  it('abandons a match left live under a newer one (a row from before this fix) once unchanged for the idle time, while its server plays on', async () => {
    // Prepare: a match in play, then a newer one on the same server, with the older row left live.
    const server = 'srv_abandon_stale1';
    const played = twoRoundsPlayed(Date.UTC(2026, 10, 7, 18));
    await send(server, played);
    await send(server, [{ type: 'map_start', ts: (played.at(-1)?.ts ?? 0) + 60_000, map: 'de_inferno' }]);
    const [older] = await matchesOf(server);
    await pool.query("UPDATE matches SET status = 'live', ended_at = NULL WHERE id = $1", [older?.id]);

    // Act: a sweep while the older row changed recently, then once it has not changed for 31 minutes.
    const recent = await abandonIdleMatches(pool, THIRTY_MINUTES);
    await pool.query("UPDATE matches SET updated_at = now() - interval '31 minutes' WHERE id = $1", [
      older?.id,
    ]);
    const stale = await abandonIdleMatches(pool, THIRTY_MINUTES);

    // Assess
    expect(recent.map((patch) => patch.id)).not.toContain(older?.id);
    expect(stale.map((patch) => patch.id)).toContain(older?.id);
    const [abandoned, newer] = await matchesOf(server);
    expect(abandoned?.status).toBe('abandoned');
    expect(abandoned?.ended_at).toEqual(newer?.started_at);
    expect(newer?.status).toBe('warmup');
  });

  it('lists a match that ended without a completed round only when asked: include=empty, or its status', async () => {
    // Prepare: a warmup that never went live, replaced by a new map; then that map warming up.
    const server = 'srv_abandon_empty1';
    const at = Date.UTC(2026, 10, 6, 18);
    await send(server, [
      { type: 'map_start', ts: at, map: 'de_nuke' },
      { type: 'warmup_start', ts: at + 1_000 },
    ]);
    await send(server, [{ type: 'map_start', ts: at + 60_000, map: 'de_inferno' }]);
    const queries = new PostgresMatchQueries(pool);
    const [empty, warmingUp] = await matchesOf(server);

    // Act
    const listed = await queries.listMatches({ limit: 100, serverId: server });
    const withEmpty = await queries.listMatches({ limit: 100, serverId: server, includeEmpty: true });
    const abandoned = await queries.listMatches({ limit: 100, serverId: server, status: 'abandoned' });

    // Assess: the match in progress is listed, the empty abandoned one only when asked for.
    expect(empty?.status).toBe('abandoned');
    expect(listed.map((match) => match.id)).toEqual([warmingUp?.id]);
    expect(withEmpty.map((match) => match.id)).toEqual([warmingUp?.id, empty?.id]);
    expect(abandoned.map((match) => match.id)).toEqual([empty?.id]);
  });
});
