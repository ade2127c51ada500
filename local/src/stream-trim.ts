/**
 * The stream trim of `geqo up`: the durable PostgreSQL stream keeps each frame only until every
 * consumer of its stream has committed past it and it is older than the retention (by default an
 * hour, `GEQO_STREAM_RETENTION_MINUTES`). Its events are stored by then, and a dead letter holds
 * its own copy of a payload; without this, `stream_records` grew by every frame ever received
 * (about 75 MB a minute at 30,000 events/s). Runs at start-up, then every minute.
 */
import type { Logger } from '@geqo/shared/ports';
import { type Loop, startPeriodicLoop } from './retrying-loop.ts';

export function startStreamTrim(deps: {
  /** `RawStream.trim`: deletes what every consumer has committed and is older than `retentionMs`. */
  trim: (retentionMs: number) => Promise<number>;
  retentionMs: number;
  logger: Logger;
  intervalMs?: number;
}): Loop {
  const logger = deps.logger.child({ component: 'stream-trim' });
  return startPeriodicLoop('stream trim', logger, deps.intervalMs ?? 60_000, async () => {
    const deleted = await deps.trim(deps.retentionMs);
    if (deleted > 0) logger.debug('stream trimmed', { deleted });
  });
}
