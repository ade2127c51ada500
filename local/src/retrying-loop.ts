import type { Logger } from '@geqo/shared/ports';

export interface Loop {
  /** Resolves when the loop has stopped after its current step. */
  stop(): Promise<void>;
}

/**
 * Runs `step` until stopped. A failing step is logged and retried with exponential backoff and
 * jitter (capped), never dropped: the step itself must leave things ready for a retry.
 */
export function startLoop(
  name: string,
  logger: Logger,
  step: () => Promise<void>,
  onError?: () => void,
  /** Runs once after the last step, e.g. to wait for work still in flight. */
  onStop?: () => Promise<void>,
  /** The wait after the first failure, doubled after each next one up to `maxDelayMs` (jitter: half). */
  backoff: { initialDelayMs: number; maxDelayMs: number } = { initialDelayMs: 200, maxDelayMs: 5_000 },
): Loop {
  let running = true;
  let failures = 0;
  let wake: (() => void) | null = null;
  const done = (async () => {
    while (running) {
      try {
        await step();
        failures = 0;
      } catch (error) {
        failures += 1;
        onError?.();
        const delay =
          Math.min(backoff.maxDelayMs, backoff.initialDelayMs * 2 ** Math.min(failures - 1, 20)) *
          (0.5 + Math.random() / 2);
        const code = (error as { code?: unknown } | null)?.code;
        logger.error(`${name} failed; retrying`, {
          error: String(error),
          ...(typeof code === 'string' ? { code } : {}),
          attempt: failures,
          retryInMs: Math.round(delay),
        });
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
    }
  })();
  return {
    stop: async () => {
      running = false;
      (wake as (() => void) | null)?.();
      await done;
      await onStop?.().catch((error: unknown) =>
        logger.error(`${name} failed to finish`, { error: String(error) }),
      );
    },
  };
}

/**
 * Runs `work` at once, then every `intervalMs` until stopped (the sweeps of `geqo up`). A failing
 * run is retried as {@link startLoop} retries; stopping wakes a loop that waits for its next run.
 */
export function startPeriodicLoop(
  name: string,
  logger: Logger,
  intervalMs: number,
  work: () => Promise<void>,
): Loop {
  let closed = false;
  let first = true;
  let wake: (() => void) | null = null;
  const sleep = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, intervalMs);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });
  const loop = startLoop(name, logger, async () => {
    if (!first) await sleep();
    first = false;
    if (!closed) await work();
  });
  return {
    stop: async () => {
      closed = true;
      (wake as (() => void) | null)?.();
      await loop.stop();
    },
  };
}
