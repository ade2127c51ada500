import type { ConsumedRecord, Logger } from '@geqo/shared/ports';
import { isProgrammerError } from '@geqo/shared/ports';
import { recordGroups, type StreamBatchResponse, type StreamEvent } from './stream-event.ts';

/**
 * Runs `process` on each shard's (or partition's) records and answers the event source mapping.
 *
 * A group either succeeds as a whole or fails as a whole (the worker commits a batch in one
 * transaction), so a failed group is reported by its first record: the mapping retries from
 * there, nothing before it is lost and nothing after it is skipped. Other groups go on, since
 * order only holds within a group. A programmer error (TypeError, RangeError, SyntaxError) is
 * not a transient failure: it is rethrown, so the invocation fails and the mapping bisects the
 * batch down to the record that causes it (bounded retries, then the on-failure destination).
 * Nothing is swallowed: records that can never succeed are the use case's dead letters.
 */
export async function processStreamEvent(
  event: StreamEvent,
  process: (records: readonly ConsumedRecord[]) => Promise<void>,
  logger: Logger,
): Promise<StreamBatchResponse> {
  const batchItemFailures: StreamBatchResponse['batchItemFailures'] = [];
  for (const group of recordGroups(event)) {
    const first = group.records[0];
    if (!first) continue;
    try {
      await process(group.records);
    } catch (error) {
      logger.error('batch failed; the stream will redeliver it', {
        shardId: group.shard,
        sequenceNumber: first.position,
        records: group.records.length,
        error,
      });
      if (isProgrammerError(error)) throw error;
      batchItemFailures.push({ itemIdentifier: group.identify(first) });
    }
  }
  return { batchItemFailures };
}
