/**
 * Retrying a database operation while the database cannot be reached yet. On a first deploy the
 * custom resource can run while Aurora's writer is still starting, RDS Proxy has no registered
 * target, or a scaled-to-zero cluster is resuming (about 15 s): each of those answers a refused
 * or dropped connection, a connect timeout, or PostgreSQL's `57P03 cannot_connect_now`. Those are
 * retried with exponential backoff and jitter until a deadline; anything else (a failed migration,
 * a programming error) fails at once.
 */

/** Socket errors that mean "nobody there yet", never "what you asked is wrong". */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** PostgreSQL SQLSTATEs of a server that is not ready: connection exceptions, starting up, too many clients. */
function isNotReadyState(code: string): boolean {
  return code.startsWith('08') || code === '57P03' || code === '53300';
}

/** True when `error` says the database could not be reached or is not ready yet. */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof TypeError || error instanceof RangeError) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || isNotReadyState(code))) return true;
  // pg's own messages for a connect timeout and a socket the server closed.
  return /timeout exceeded when trying to connect|Connection terminated/i.test(error.message);
}

export interface RetryOptions {
  /** Give up once this long has passed since the first attempt. */
  deadlineMs: number;
  /** The first wait; each next one doubles, up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Called before each wait, for a log line. */
  onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** The custom resource's default: eight minutes, inside the function's ten-minute timeout. */
export const MIGRATE_RETRY: Pick<RetryOptions, 'deadlineMs' | 'initialDelayMs' | 'maxDelayMs'> = {
  deadlineMs: 8 * 60_000,
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
};

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `operation` until it succeeds, fails with something else than a connection error, or the deadline passes. */
export async function retryConnecting<T>(operation: () => Promise<T>, options: RetryOptions): Promise<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const started = now();
  let delay = options.initialDelayMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      if (!isConnectionError(error)) throw error;
      const left = started + options.deadlineMs - now();
      if (left <= 0) throw error;
      // Full jitter on the upper half: many retries never line up, none waits for nothing.
      const wait = Math.min(left, delay / 2 + Math.random() * (delay / 2));
      options.onRetry?.(attempt, wait, error);
      await sleep(wait);
      delay = Math.min(delay * 2, options.maxDelayMs);
    }
  }
}
