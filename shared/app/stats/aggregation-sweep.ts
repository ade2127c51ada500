/**
 * One sweep of the statistics' aggregation, the same in `geqo up` (a job woken when a match ends
 * and every few seconds) and on AWS (a Lambda on a schedule): batches of pending matches
 * ({@link MatchAggregator.aggregatePending}) while they come back full, for as long as the caller
 * lets it go on.
 */
import type { MatchAggregator } from './match-aggregator.ts';

/** What one sweep did. */
export interface AggregationSweepResult {
  /** Pending matches looked at, over every batch. */
  pending: number;
  /** Matches whose aggregates were written. */
  written: number;
  batches: number;
  /** The sweep was told to stop after a full batch: more may be waiting for the next sweep. */
  more: boolean;
}

export interface AggregationSweepOptions {
  /** Matches per batch. */
  batchSize: number;
  /** Asked before each batch after the first: whether the sweep may start another (a budget, a shutdown). */
  mayGoOn: () => boolean;
  /** Awaited after each match with the time it took (see `aggregatePending`). */
  pause?: (tookMs: number) => Promise<void>;
}

/**
 * Runs batches while they come back full. A full batch that wrote nothing ends the sweep too: its
 * matches were taken by a concurrent sweep (another process, another invocation) or changed
 * meanwhile, and going again at once would only spin on them. A failed batch throws (after its
 * other matches are done); the caller's next sweep is the retry.
 */
export async function sweepPendingMatches(
  aggregator: Pick<MatchAggregator, 'aggregatePending'>,
  options: AggregationSweepOptions,
): Promise<AggregationSweepResult> {
  const result: AggregationSweepResult = { pending: 0, written: 0, batches: 0, more: false };
  for (;;) {
    const batch = await aggregator.aggregatePending(options.batchSize, options.pause);
    result.batches += 1;
    result.pending += batch.pending;
    result.written += batch.written;
    result.more = batch.pending === options.batchSize && batch.written > 0;
    if (!result.more || !options.mayGoOn()) return result;
  }
}
