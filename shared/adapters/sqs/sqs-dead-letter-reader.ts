import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { PipelineError } from '../../ports/index.ts';
import { type DecodedDeadLetter, decodeDeadLetter } from './dead-letter-message.ts';

/** One message taken from the dead-letter queue; it stays hidden for the visibility timeout. */
export type ReceivedDeadLetter = {
  messageId: string;
  receiptHandle: string;
  /** How often SQS has handed this message out. */
  receiveCount: number;
} & (
  | ({ kind: 'dead-letter' } & DecodedDeadLetter)
  /** Not written by the sink (e.g. the event source mapping's batch metadata): kept as it is. */
  | { kind: 'other'; body: string; problem: string }
);

export interface ReceiveOptions {
  /** At most 10 (SQS's limit per call). Default 10. */
  maxMessages?: number;
  /** Long polling: how long to wait for a first message (0–20 s). Default 0. */
  waitSeconds?: number;
  /** How long received messages stay hidden from other readers. Default: the queue's setting. */
  visibilityTimeoutSeconds?: number;
}

/**
 * Reads the dead-letter queue for `geqo dlq list|replay`: receive decodes each message (see
 * `dead-letter-message.ts`); `delete` removes the ones that were dealt with (replayed, or dropped
 * on purpose). Messages received and not deleted come back after the visibility timeout.
 */
export class SqsDeadLetterReader {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async receive(options: ReceiveOptions = {}): Promise<ReceivedDeadLetter[]> {
    const output = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: Math.min(10, Math.max(1, options.maxMessages ?? 10)),
        WaitTimeSeconds: options.waitSeconds ?? 0,
        ...(options.visibilityTimeoutSeconds === undefined
          ? {}
          : { VisibilityTimeout: options.visibilityTimeoutSeconds }),
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    return (output.Messages ?? []).map((message): ReceivedDeadLetter => {
      const common = {
        messageId: message.MessageId ?? '',
        receiptHandle: message.ReceiptHandle ?? '',
        receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 1),
      };
      const body = message.Body ?? '';
      const decoded = decodeDeadLetter(body, {
        code: message.MessageAttributes?.code?.StringValue,
        reason: message.MessageAttributes?.reason?.StringValue,
      });
      return decoded.ok
        ? { ...common, kind: 'dead-letter', ...decoded.value }
        : { ...common, kind: 'other', body, problem: decoded.problem };
    });
  }

  /** Deletes received messages (any number; sent 10 per call). */
  async delete(messages: readonly Pick<ReceivedDeadLetter, 'receiptHandle'>[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      const batch = messages.slice(start, start + 10);
      const output = await this.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.receiptHandle,
          })),
        }),
      );
      const failed = output.Failed?.[0];
      if (failed) {
        throw new PipelineError(
          'DEAD_LETTER_DELETE',
          `could not delete ${output.Failed?.length} dead letters: ${failed.Code}: ${failed.Message ?? ''}`,
          !failed.SenderFault,
        );
      }
    }
  }
}
