import type pg from 'pg';

/**
 * Whether a match id names a stored match: one primary-key probe, what a dashboard subscription
 * checks before the server follows a topic for it.
 */
export function matchExistsIn(pool: pg.Pool): (matchId: string) => Promise<boolean> {
  return async (matchId) => {
    const { rowCount } = await pool.query('SELECT 1 FROM matches WHERE id = $1', [matchId]);
    return (rowCount ?? 0) > 0;
  };
}
