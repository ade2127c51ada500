import { type GameEventWorker, processIsolated } from '@geqo/shared/app/worker';
import type { Logger } from '@geqo/shared/ports';
import type { FlushableMetrics } from '../lib/emf-metrics.ts';
import { withMetrics } from '../lib/observability.ts';
import { processStreamEvent } from '../lib/stream-batch.ts';
import type { StreamBatchResponse, StreamEvent } from '../lib/stream-event.ts';

export interface WorkerHandlerDeps {
  worker: Pick<GameEventWorker, 'processBatch' | 'deadLetter'>;
  logger: Logger;
  metrics: FlushableMetrics;
}

/**
 * The worker on the raw stream (Kinesis or MSK event). Each shard's records are one worker
 * batch: poison records are dead-lettered by the worker and count as handled. A batch that fails
 * for a reason that will not pass (a record the database or the code refuses) is split down to
 * the record that fails alone, which goes to the DLQ with its payload and the error; the rest
 * commits (`processIsolated`, the same as `geqo up`). A transient failure (the database) is
 * reported from the group's first record in `batchItemFailures`, and the stream redelivers it.
 */
export function makeHandler({ worker, logger, metrics }: WorkerHandlerDeps) {
  return (event: StreamEvent): Promise<StreamBatchResponse> =>
    withMetrics(metrics, () =>
      processStreamEvent(
        event,
        async (records) => {
          await processIsolated(worker, records, {
            logger,
            metrics,
            onCommitted: (slice, report) =>
              logger.info('batch applied', {
                shardId: slice[0]?.shard,
                sequenceNumber: slice.at(-1)?.position,
                records: report.records,
                frames: report.frames,
                events: report.events,
                duplicates: report.duplicates,
                deadLettered: report.deadLettered,
                gaps: report.gaps.length,
              }),
          });
        },
        logger,
      ),
    );
}
