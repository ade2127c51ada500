/**
 * The idle-match sweep of `geqo up`: matches that will never end by themselves (their server went
 * quiet, or a newer match started there) become `abandoned`, so they leave the top of the match
 * list and the statistics job aggregates them. It runs at start-up, then every minute (more often
 * with a short idle time).
 */
import { abandonIdleMatches } from '@geqo/shared/adapters/postgres';
import type { Logger, MatchPatch } from '@geqo/shared/ports';
import type pg from 'pg';
import { type Loop, startPeriodicLoop } from './retrying-loop.ts';

export function startIdleMatchSweep(deps: {
  pool: pg.Pool;
  logger: Logger;
  /** Nothing from a match's server for this long: the match is abandoned. */
  idleMs: number;
  /** Time between sweeps (default: a quarter of `idleMs`, at most a minute). */
  intervalMs?: number;
  /** Told the matches each sweep abandoned (for dashboards and the statistics job). */
  onAbandoned?: (patches: MatchPatch[]) => Promise<void> | void;
}): Loop {
  const logger = deps.logger.child({ component: 'idle-matches' });
  const intervalMs = deps.intervalMs ?? Math.min(60_000, Math.max(1_000, deps.idleMs / 4));
  return startPeriodicLoop('idle-match sweep', logger, intervalMs, async () => {
    const patches = await abandonIdleMatches(deps.pool, deps.idleMs);
    if (patches.length === 0) return;
    logger.info('matches abandoned', { matchIds: patches.map((patch) => patch.id) });
    await deps.onAbandoned?.(patches);
  });
}
