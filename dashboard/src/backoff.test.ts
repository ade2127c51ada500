import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';

describe('backoffDelay', () => {
  it('doubles the ceiling per attempt up to the maximum, never below the minimum', () => {
    // Prepare
    const options = { minMs: 500, maxMs: 15_000 };

    // Act
    const highest = [1, 2, 3, 4, 5, 6, 7, 10].map((attempt) => backoffDelay(attempt, options, () => 1));
    const lowest = [1, 5, 10].map((attempt) => backoffDelay(attempt, options, () => 0));

    // Assess
    expect(highest).toEqual([500, 1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000]);
    expect(lowest).toEqual([500, 500, 500]);
  });

  it('spreads reconnects over the whole window (full jitter)', () => {
    // Act
    const middle = backoffDelay(4, { minMs: 500, maxMs: 15_000 }, () => 0.5);

    // Assess
    expect(middle).toBe(2_250);
  });
});
