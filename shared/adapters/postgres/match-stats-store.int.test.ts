/**
 * Reading a match back for its statistics, on a real PostgreSQL: the events it returns, and that
 * it reads them through the index of played events (migration 10) rather than fetching every
 * position and footstep of the match to drop them.
 */
import { describe, expect, it } from 'vitest';
import { useMigratedDatabase } from '../../../test/helpers/database.ts';
import { TRANSIENT_TYPES } from '../../app/analyze/index.ts';
import { PostgresMatchStatsStore } from './match-stats-store.ts';

const db = useMigratedDatabase();

/** Index scans of `game_events_match_played`, over all its partitions' indexes. */
async function playedIndexScans(): Promise<number> {
  const { rows } = await db.pool.query<{ scans: string | null }>(
    `SELECT sum(s.idx_scan) AS scans
       FROM pg_stat_user_indexes s JOIN pg_inherits i ON i.inhrelid = s.indexrelid
      WHERE i.inhparent = 'game_events_match_played'::regclass`,
  );
  return Number(rows[0]?.scans ?? 0);
}

describe('PostgresMatchStatsStore.readEvents', () => {
  it("reads a match's played events through their own index, not through every position of the match", async () => {
    // Arrange: two matches of one minute each, side by side as two servers would write them: per
    // match 60 kills and 6,000 positions and footsteps
    const ts = `now() - interval '1 hour' + n * interval '10 ms'`;
    for (const match of ['m-read', 'm-other'])
      await db.pool.query(
        `INSERT INTO game_events (ts, server_id, session, seq, idx, match_id, round_number, type, phase,
                                  is_post_round, payload)
         SELECT ${ts}, 's-' || $1, 'session', n, 0, $1, 1,
                CASE WHEN n % 100 = 0 THEN 'player_death' WHEN n % 2 = 0 THEN 'positions' ELSE 'player_footstep' END,
                'live', false, jsonb_build_object('type', 'player_death', 'ts', n)
           FROM generate_series(1, 6000) AS n`,
        [match],
      );
    await db.pool.query('ANALYZE game_events');
    const store = new PostgresMatchStatsStore(db.pool);
    const scansBefore = await playedIndexScans();

    // Act
    const events = await store.readEvents('m-read', TRANSIENT_TYPES);

    // Assert: the 60 kills, in order; and the index of played events was read (the statistics
    // collector reports another connection's scans within a second or so)
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 60 }, (_, i) => (i + 1) * 100));
    let scansAfter = await playedIndexScans();
    for (let waited = 0; scansAfter === scansBefore && waited < 10_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      scansAfter = await playedIndexScans();
    }
    expect(scansAfter).toBeGreaterThan(scansBefore);
  });
});
