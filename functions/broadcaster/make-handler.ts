import type { Broadcaster } from '@geqo/shared/app/broadcast';
import type { Logger } from '@geqo/shared/ports';
import type { FlushableMetrics } from '../lib/emf-metrics.ts';
import { withMetrics } from '../lib/observability.ts';
import { processStreamEvent } from '../lib/stream-batch.ts';
import type { StreamBatchResponse, StreamEvent } from '../lib/stream-event.ts';

export interface BroadcasterHandlerDeps {
  broadcaster: Pick<Broadcaster, 'deliver'>;
  logger: Logger;
  metrics: FlushableMetrics;
}

/**
 * The broadcaster on the processed stream (Kinesis or MSK event): each record is one JSON
 * message for the dashboards following its topic (the partition key). A failure to look up
 * subscribers, or to post to every connection, is reported in `batchItemFailures` and retried by
 * the stream; a post failing on some connections only is logged and counted, not retried for all.
 */
export function makeHandler({ broadcaster, logger, metrics }: BroadcasterHandlerDeps) {
  return (event: StreamEvent): Promise<StreamBatchResponse> =>
    withMetrics(metrics, () =>
      processStreamEvent(
        event,
        async (records) => {
          const { sent, gone, failed } = await broadcaster.deliver(records);
          logger.debug('records broadcast', {
            shardId: records[0]?.shard,
            records: records.length,
            sent,
            gone,
            failed,
          });
        },
        logger,
      ),
    );
}
