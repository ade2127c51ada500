/**
 * The statistics' aggregation in `geqo up`: a job that writes the aggregates of ended matches
 * from their stored events, and the service the REST routes read them through.
 *
 * The worker wakes the job after the batch that ended a match committed; the job also sweeps on
 * its own, at start-up and every `intervalMs`, for ended matches whose aggregates are missing or
 * stale. So a crash between the worker's commit and the aggregation only delays it, and a match
 * changed after it was aggregated (rounds voided, a late status) is aggregated again.
 *
 * It shares the worker's thread, so it yields to it: it rests after each match, and holds off
 * while the worker is behind (`workerBehind`). Soak figures with and without it: README.
 */

import { PostgresMatchStatsStore, PostgresStatsQueries } from '@geqo/shared/adapters/postgres';
import { MatchAggregator, MatchStatsService, sweepPendingMatches } from '@geqo/shared/app/stats';
import type { Logger, Metrics } from '@geqo/shared/ports';
import type pg from 'pg';
import { type Loop, startLoop } from './retrying-loop.ts';

export interface StatsAggregation {
  service: MatchStatsService;
  aggregator: MatchAggregator;
  /** For the worker's `onMatchesEnded`: run the job now. */
  onMatchesEnded: () => void;
  /** Starts the job (its first sweep runs at once). */
  start(): Loop;
}

export function createStatsAggregation(deps: {
  pool: pg.Pool;
  logger: Logger;
  metrics: Metrics;
  /** Sweep period (default 5 s). */
  intervalMs?: number;
  /** Matches aggregated per sweep (default 20). */
  batchSize?: number;
  /**
   * Whether the worker has records waiting: the job then holds off (up to `maxHoldMs` at a time,
   * default 10 s) before its next match, so ended matches never take the worker's time while live
   * events queue behind them.
   */
  workerBehind?: () => boolean;
  maxHoldMs?: number;
}): StatsAggregation {
  const logger = deps.logger.child({ component: 'stats' });
  const store = new PostgresMatchStatsStore(deps.pool);
  const aggregator = new MatchAggregator({ store, logger, metrics: deps.metrics });
  const service = new MatchStatsService({
    queries: new PostgresStatsQueries(deps.pool),
    store,
    aggregator,
  });
  const intervalMs = deps.intervalMs ?? 5_000;
  const REST_PER_MS_OF_WORK = 3;
  const batchSize = deps.batchSize ?? 20;
  // After each match the job rests three times as long as the match took (at most a quarter of
  // one core): twenty matches ending together (a league night, a load test) then cost ingest a
  // little for a few seconds rather than a whole core for a second. Dashboards need not wait for
  // it: the live statistics of a match's last round are its final figures.
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      if (closed) resolve();
      else setTimeout(resolve, ms);
    });
  const maxHoldMs = deps.maxHoldMs ?? 10_000;
  const HOLD_CHECK_MS = 50;
  const holdWhileWorkerBehind = async () => {
    const { workerBehind } = deps;
    if (workerBehind === undefined) return;
    const until = performance.now() + maxHoldMs;
    while (!closed && workerBehind() && performance.now() < until) await wait(HOLD_CHECK_MS);
  };
  const rest = async (tookMs: number) => {
    await wait(REST_PER_MS_OF_WORK * tookMs);
    await holdWhileWorkerBehind();
  };
  let woken = true;
  let closed = false;
  let wakeSleeper: (() => void) | null = null;
  const wake = () => {
    woken = true;
    wakeSleeper?.();
  };
  const sleep = () =>
    new Promise<void>((resolve) => {
      if (woken || closed) {
        resolve();
        return;
      }
      const timer = setTimeout(done, intervalMs);
      function done() {
        clearTimeout(timer);
        wakeSleeper = null;
        resolve();
      }
      wakeSleeper = done;
    });
  return {
    service,
    aggregator,
    onMatchesEnded: wake,
    start: () => {
      const loop = startLoop('stats aggregation', logger, async () => {
        await sleep();
        if (closed) return;
        woken = false;
        await holdWhileWorkerBehind();
        // Batch after batch while they come back full, as the Lambda sweep does.
        await sweepPendingMatches(aggregator, { batchSize, mayGoOn: () => !closed, pause: rest });
      });
      return {
        stop: async () => {
          closed = true;
          wakeSleeper?.();
          await loop.stop();
        },
      };
    },
  };
}
