import type pg from 'pg';
import type { MatchPatch } from '../../ports/index.ts';

/**
 * Ends the matches that will never end by themselves: still in warmup or live, unchanged for
 * `idleMs`, and either nothing has come from their server for as long (no batch for it) or a newer
 * match has started there (the worker ends those as the new match starts: this catches rows it
 * could not). Times are wall-clock, so an old recording being replayed is not idle while it plays.
 * They become `abandoned`, ended at the newer match's start or at their last stored event, and the
 * statistics job aggregates them like finished ones.
 *
 * An idle match that hears from its server again goes back to live at its next phase change (the
 * worker's engine never knew it was set aside).
 *
 * @returns the changed rows, as the patches dashboards take.
 */
export async function abandonIdleMatches(db: pg.Pool | pg.PoolClient, idleMs: number): Promise<MatchPatch[]> {
  const { rows } = await db.query<{ id: string; ended_ms: number }>(
    `UPDATE matches m
        SET status = 'abandoned', updated_at = now(),
            ended_at = COALESCE(
              m.ended_at,
              (SELECT min(n.started_at) FROM matches n WHERE n.server_id = m.server_id AND n.started_at > m.started_at),
              (SELECT max(e.ts) FROM game_events e WHERE e.match_id = m.id),
              m.started_at)
      WHERE m.status IN ('warmup', 'live')
        AND m.updated_at < now() - $1 * interval '1 millisecond'
        AND (
          EXISTS (SELECT 1 FROM matches n WHERE n.server_id = m.server_id AND n.started_at > m.started_at)
          OR NOT EXISTS (
            SELECT 1 FROM match_state s
             WHERE s.server_id = m.server_id AND s.updated_at >= now() - $1 * interval '1 millisecond')
        )
      RETURNING m.id, (extract(epoch from m.ended_at) * 1000)::float8 AS ended_ms`,
    [idleMs],
  );
  return rows.map((row) => ({ id: row.id, status: 'abandoned', endedAt: Math.round(row.ended_ms) }));
}
