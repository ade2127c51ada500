import { isProgrammerError } from '../../ports/index.ts';

/** How an adapter retries the parts of a request that failed for a transient reason. */
export interface RetryPolicy {
  /** Attempts in all, the first included (≥ 1). */
  maxAttempts: number;
  /** Ceiling of the first back-off, in ms; doubles with each further attempt. */
  baseDelayMs: number;
  /** Ceiling of any back-off, in ms. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 5_000 };

/**
 * Exponential back-off with full jitter: a random delay in `[0, min(max, base · 2^(attempt-1))]`.
 * Full jitter spreads competing writers apart, which is what throttled shards need.
 * `attempt` counts the attempts that already failed (1 after the first failure).
 */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Waits `ms` milliseconds; injectable so retry tests run without real time. */
export type Sleep = (ms: number) => Promise<void>;

export const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** AWS error names (the SDK's `error.name`) that mean "slow down and try again". */
const RETRIABLE_AWS_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'KMSThrottlingException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/** Node socket error codes that a later attempt can get past. */
const RETRIABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

/**
 * Whether trying the same AWS call again can succeed: throttling, server-side faults (5xx) and
 * broken connections can; validation, missing resources and programmer errors cannot.
 */
export function isRetriableAwsError(error: unknown): boolean {
  if (isProgrammerError(error)) return false;
  if (!(error instanceof Error)) return false;
  const details = error as Error & {
    code?: unknown;
    $fault?: unknown;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
  };
  if (RETRIABLE_AWS_ERRORS.has(error.name)) return true;
  if (typeof details.code === 'string' && RETRIABLE_NETWORK_CODES.has(details.code)) return true;
  if (details.$retryable) return true;
  if (details.$fault === 'server') return true;
  const status = details.$metadata?.httpStatusCode;
  return status === 429 || (status !== undefined && status >= 500);
}
