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
        const delay = Math.min(5_000, 100 * 2 ** Math.min(failures, 6)) * (0.5 + Math.random() / 2);
        logger.error(`${name} failed; retrying`, {
          error: String(error),
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
