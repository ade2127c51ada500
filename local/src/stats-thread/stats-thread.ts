/**
 * The main thread's side of the statistics thread: starts it under supervision (restarted if it
 * dies; the next sweep finds what it left pending) and wakes it when the worker ended matches.
 */
import type { Logger, Metrics } from '@geqo/shared/ports';
import type { LocalConfig } from '../config.ts';
import type { Loop } from '../retrying-loop.ts';
import { superviseThread } from '../supervised-thread.ts';
import type { FromStatsThread, StatsThreadData, ToStatsThread } from './protocol.ts';

const ENTRY = new URL('./entry.mjs', import.meta.url);

export interface StatsThread extends Loop {
  /** Matches ended: the thread sweeps now. */
  wake(): void;
}

export function startStatsThread(options: {
  config: LocalConfig;
  databaseUrl: string;
  logger: Logger;
  metrics: Metrics;
}): StatsThread {
  const thread = superviseThread<ToStatsThread, FromStatsThread>({
    entry: ENTRY,
    name: 'geqo-stats',
    label: 'statistics thread',
    logger: options.logger,
    metrics: options.metrics,
    workerData: (): StatsThreadData => ({ config: options.config, databaseUrl: options.databaseUrl }),
    onMessage: (message) => {
      const unknown: never = message;
      options.logger.warn('unknown message from the statistics thread', { message: String(unknown) });
    },
  });
  return { wake: () => thread.send({ type: 'wake' }), stop: () => thread.stop() };
}
