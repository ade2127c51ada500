/**
 * The statistics thread of `geqo up`: the job that aggregates ended matches from their stored
 * events (`stats-aggregation.ts`), at the lowest priority the machine has, on its own database
 * sessions at that priority too.
 *
 * It reads whole matches back and replays them, so it is the heaviest background work there is,
 * and nobody waits for it: the dashboards have the live figures, and the REST API computes a
 * pending match's summary on request. In the worker thread it took a quarter of that thread's
 * time under the soak's load (2.7 matches ending a second), which the worker then lacked to keep
 * up. Here the kernel gives it what ingest, the worker and PostgreSQL leave, and under a load
 * that leaves nothing it waits: pending matches are found again by the next sweep.
 */
import { createStatsAggregation } from '../stats-aggregation.ts';
import { openThreadContext } from '../thread-context.ts';
import { BACKGROUND_NICE } from '../worker-thread/priority.ts';
import type { FromStatsThread, StatsThreadData, ToStatsThread } from './protocol.ts';

const { logger, metrics, pool, listen } = openThreadContext<StatsThreadData, FromStatsThread>({
  thread: 'stats',
  applicationName: 'geqo-up-stats',
  poolSize: 2,
  nice: BACKGROUND_NICE,
});

const stats = createStatsAggregation({ pool, logger, metrics });
const job = stats.start();

listen<ToStatsThread>(
  (message) => {
    switch (message.type) {
      case 'wake':
        stats.onMatchesEnded();
        break;
      default: {
        const unknown: never = message.type;
        logger.warn('unknown message from the main thread', { message: String(unknown) });
      }
    }
  },
  () => job.stop(),
);
