/** Reconnect delays: exponential with full jitter, so many dashboards do not reconnect in step. */

export interface BackoffOptions {
  minMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { minMs: 500, maxMs: 15_000 };

/**
 * The wait before reconnect attempt `attempt` (1 for the first): a random delay between
 * `minMs` and min(maxMs, minMs · 2^(attempt-1)).
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxMs, options.minMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(options.minMs + random() * (ceiling - options.minMs));
}
