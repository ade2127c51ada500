import {
  type AggregationSweepResult,
  type MatchAggregator,
  sweepPendingMatches,
} from '@geqo/shared/app/stats';
import type { Logger } from '@geqo/shared/ports';
import type { FlushableMetrics } from '../lib/emf-metrics.ts';
import { withMetrics } from '../lib/observability.ts';

export interface StatsAggregationDeps {
  aggregator: Pick<MatchAggregator, 'aggregatePending'>;
  /** Matches per `aggregatePending` call. */
  batchSize: number;
  /** No batch starts after this long into the invocation. */
  budgetMs: number;
  logger: Logger;
  metrics: FlushableMetrics;
  clock?: () => number;
}

/** What one sweep did (`more`: the budget ran out with a full last batch). */
export type StatsAggregationResult = AggregationSweepResult;

/**
 * The aggregation step on AWS (DESIGN.md section 7): a sweep that writes the aggregates of every
 * ended match whose aggregates are missing or stale (`sweepPendingMatches`, as in `geqo up`), batch
 * after batch while batches come back full and the budget lasts. An EventBridge schedule runs it
 * every minute; it can also be invoked by hand, with any payload, after a backlog or a fix.
 *
 * The sweep alone is the trigger, deliberately: it is what makes the aggregation crash-safe
 * anyway (a match stays pending until its aggregates are written, whatever failed before), and the
 * summary endpoint recomputes a match whose aggregates are not written yet, so nothing is ever
 * served stale; only careers wait for the next sweep (a minute at most). A failed match fails the
 * invocation after the batch's other matches are done, so the error alarm sees it; the next sweep
 * is the retry (the schedule's target makes no retries of its own).
 */
export function makeHandler(deps: StatsAggregationDeps) {
  const { aggregator, batchSize, budgetMs, logger, metrics } = deps;
  const now = deps.clock ?? Date.now;
  return (): Promise<StatsAggregationResult> =>
    withMetrics(metrics, async () => {
      const deadline = now() + budgetMs;
      const result = await sweepPendingMatches(aggregator, { batchSize, mayGoOn: () => now() < deadline });
      if (result.pending > 0 || result.more) logger.info('statistics sweep done', { ...result });
      return result;
    });
}
