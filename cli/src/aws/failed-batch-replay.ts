/**
 * `geqo aws replay-failures`: the worker's event source mapping parks a batch it gave up on in its
 * on-failure queue as metadata only (shard, first and last sequence number, never the records).
 * This reads each such range back from the stream while it is still within retention and puts its
 * records on the stream again, where the worker takes them like any others: its writes are keyed
 * (stable event ids, `ON CONFLICT DO NOTHING`), so records it had stored already change nothing.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { KinesisRangeReader, ShardRange } from '@geqo/shared/adapters/kinesis';
import type { StreamProducer } from '@geqo/shared/ports';

export interface FailedBatchReplayDeps {
  sqs: Pick<SQSClient, 'send'>;
  queueUrl: string;
  reader: Pick<KinesisRangeReader, 'read'>;
  producer: Pick<StreamProducer, 'put'>;
  /** Put the records on this stream instead of the one they were read from. */
  targetStream?: string;
  /** Messages to handle at most (default: until the queue answers none). */
  maxMessages?: number;
}

/** What became of one on-failure message. */
export type ReplayOutcome =
  | { status: 'replayed'; range: ShardRange; records: number; expected: number }
  /** None of its records is on the stream any more (past retention): the message is kept. */
  | { status: 'expired'; range: ShardRange }
  /** Not an on-failure record of a Kinesis mapping: kept as it is. */
  | { status: 'unreadable'; messageId: string; problem: string };

/** The Kinesis part of the invocation record Lambda sends to an on-failure destination. */
interface KinesisBatchInfo {
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  batchSize: number;
  streamArn: string;
}

/** The range a message names, or why it names none. */
export function rangeOfFailureMessage(
  body: string,
): { range: ShardRange; batchSize: number } | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { problem: 'not JSON' };
  }
  const info = (parsed as { KinesisBatchInfo?: Partial<KinesisBatchInfo> } | null)?.KinesisBatchInfo;
  if (!info) return { problem: 'no KinesisBatchInfo' };
  const { shardId, startSequenceNumber, endSequenceNumber, streamArn, batchSize } = info;
  const stream = /:stream\/([^/]+)$/.exec(streamArn ?? '')?.[1];
  const sequence = /^\d+$/;
  if (
    !shardId ||
    !stream ||
    !sequence.test(startSequenceNumber ?? '') ||
    !sequence.test(endSequenceNumber ?? '')
  )
    return { problem: 'KinesisBatchInfo without a stream ARN, shard id or sequence numbers' };
  return {
    range: {
      stream,
      shardId,
      startSequenceNumber: startSequenceNumber as string,
      endSequenceNumber: endSequenceNumber as string,
    },
    batchSize: typeof batchSize === 'number' ? batchSize : 0,
  };
}

/**
 * Replays every parked range of the queue, one message at a time: read the range, put its
 * records back in their order (same partition keys, so the same shard order), then delete the
 * message. A message whose range is gone, or that is not an on-failure record, stays in the queue
 * (hidden for its visibility timeout) and is reported.
 */
export async function replayFailedBatches(
  deps: FailedBatchReplayDeps,
  onOutcome: (outcome: ReplayOutcome) => void = () => {},
): Promise<ReplayOutcome[]> {
  const outcomes: ReplayOutcome[] = [];
  const max = deps.maxMessages ?? Number.POSITIVE_INFINITY;
  // A kept message comes back once its visibility timeout ends: seeing one again ends the pass.
  const seen = new Set<string>();
  while (outcomes.length < max) {
    const { Messages: messages = [] } = await deps.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: deps.queueUrl,
        MaxNumberOfMessages: Math.min(10, max - outcomes.length),
        WaitTimeSeconds: 0,
      }),
    );
    if (messages.length === 0 || messages.every((message) => seen.has(message.MessageId ?? ''))) break;
    for (const message of messages) {
      if (seen.has(message.MessageId ?? '')) continue;
      seen.add(message.MessageId ?? '');
      const outcome = await replayOne(deps, message.MessageId ?? '', message.Body ?? '');
      if (outcome.status === 'replayed' && message.ReceiptHandle)
        await deps.sqs.send(
          new DeleteMessageCommand({ QueueUrl: deps.queueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
      outcomes.push(outcome);
      onOutcome(outcome);
    }
  }
  return outcomes;
}

async function replayOne(
  deps: FailedBatchReplayDeps,
  messageId: string,
  body: string,
): Promise<ReplayOutcome> {
  const parsed = rangeOfFailureMessage(body);
  if ('problem' in parsed) return { status: 'unreadable', messageId, problem: parsed.problem };
  const { range, batchSize } = parsed;
  const records = await deps.reader.read(range);
  if (records.length === 0) return { status: 'expired', range };
  await deps.producer.put(
    deps.targetStream ?? range.stream,
    records.map(({ partitionKey, data }) => ({ partitionKey, data })),
  );
  return { status: 'replayed', range, records: records.length, expected: batchSize };
}
