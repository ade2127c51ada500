import type { BatchReport, GameEventWorker } from '@geqo/shared/app/worker';
import type { Logger } from '@geqo/shared/ports';
import type { FlushableMetrics } from '../lib/emf-metrics.ts';
import { withMetrics } from '../lib/runtime.ts';
import { processStreamEvent } from '../lib/stream-batch.ts';
import type { StreamBatchResponse, StreamEvent } from '../lib/stream-event.ts';

export interface WorkerHandlerDeps {
  worker: Pick<GameEventWorker, 'processBatch'>;
  logger: Logger;
  metrics: FlushableMetrics;
}

/**
 * The worker on the raw stream (Kinesis or MSK event). Each shard's records are one worker
 * batch: poison records are dead-lettered by the worker and count as handled; a batch that
 * fails (the database) is reported from its first record in `batchItemFailures`.
 */
export function makeHandler({ worker, logger, metrics }: WorkerHandlerDeps) {
  return (event: StreamEvent): Promise<StreamBatchResponse> =>
    withMetrics(metrics, () =>
      processStreamEvent(
        event,
        async (records) => {
          const report: BatchReport = await worker.processBatch(records);
          logger.info('batch applied', {
            shardId: records[0]?.shard,
            sequenceNumber: records.at(-1)?.position,
            records: report.records,
            frames: report.frames,
            events: report.events,
            duplicates: report.duplicates,
            deadLettered: report.deadLettered,
            gaps: report.gaps.length,
          });
        },
        logger,
      ),
    );
}
