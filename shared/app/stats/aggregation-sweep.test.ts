import { describe, expect, it } from 'vitest';
import { sweepPendingMatches } from './aggregation-sweep.ts';

type Batch = { pending: number; written: number };

/** An aggregator that answers the scripted batches in turn (then empty ones), and keeps its calls. */
function scripted(batches: Batch[]) {
  const calls: { limit: number | undefined; pause: unknown }[] = [];
  return {
    calls,
    aggregator: {
      aggregatePending: async (limit?: number, pause?: (tookMs: number) => Promise<void>) => {
        calls.push({ limit, pause });
        return batches.shift() ?? { pending: 0, written: 0 };
      },
    },
  };
}

describe('sweepPendingMatches (the statistics sweep of geqo up and of the Lambda)', () => {
  it('runs batches while they come back full, and stops at the first partial one', async () => {
    // Prepare
    const { aggregator, calls } = scripted([
      { pending: 3, written: 3 },
      { pending: 3, written: 2 },
      { pending: 1, written: 1 },
      { pending: 3, written: 3 },
    ]);

    // Act
    const result = await sweepPendingMatches(aggregator, { batchSize: 3, mayGoOn: () => true });

    // Assess
    expect(result).toEqual({ pending: 7, written: 6, batches: 3, more: false });
    expect(calls.map((call) => call.limit)).toEqual([3, 3, 3]);
  });

  it('ends on a full batch that wrote nothing, so a job woken by it does not spin on matches a concurrent sweep took', async () => {
    // Prepare: geqo up's job used to go again at once after any full batch.
    const { aggregator, calls } = scripted([
      { pending: 3, written: 0 },
      { pending: 3, written: 0 },
    ]);

    // Act
    const result = await sweepPendingMatches(aggregator, { batchSize: 3, mayGoOn: () => true });

    // Assess
    expect(calls).toHaveLength(1);
    expect(result).toEqual({ pending: 3, written: 0, batches: 1, more: false });
  });

  it('starts no batch after the first once it may not go on (a spent budget, a shutdown), and says more may wait', async () => {
    // Prepare
    const { aggregator, calls } = scripted([
      { pending: 3, written: 3 },
      { pending: 3, written: 3 },
    ]);
    let asked = 0;

    // Act
    const result = await sweepPendingMatches(aggregator, {
      batchSize: 3,
      mayGoOn: () => {
        asked += 1;
        return false;
      },
    });

    // Assess
    expect(calls).toHaveLength(1);
    expect(asked).toBe(1);
    expect(result).toEqual({ pending: 3, written: 3, batches: 1, more: true });
  });

  it('hands its pause to every batch, for a job that shares its machine with ingest', async () => {
    // Prepare
    const { aggregator, calls } = scripted([
      { pending: 2, written: 2 },
      { pending: 1, written: 1 },
    ]);
    const pause = async () => {};

    // Act
    await sweepPendingMatches(aggregator, { batchSize: 2, mayGoOn: () => true, pause });

    // Assess
    expect(calls.map((call) => call.pause)).toEqual([pause, pause]);
  });
});
