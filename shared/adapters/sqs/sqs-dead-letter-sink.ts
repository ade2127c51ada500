import {
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SendMessageBatchRequestEntry,
} from '@aws-sdk/client-sqs';
import type { DeadLetter, DeadLetterSink } from '../../ports/index.ts';
import { PipelineError } from '../../ports/index.ts';
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  isRetriableAwsError,
  type RetryPolicy,
  type Sleep,
  sleep,
} from '../aws-common/index.ts';
import { type DeadLetterMessage, encodeDeadLetter, SQS_MAX_MESSAGE_BYTES } from './dead-letter-message.ts';

/** The one call the sink makes; an `SQSClient` fits, and so does a test double. */
export interface SendMessageBatchClient {
  send(command: SendMessageBatchCommand): Promise<SendMessageBatchCommandOutput>;
}

export interface SqsDeadLetterSinkOptions {
  /** Per message and per batch (default 256 KiB, the SQS limit). */
  maxMessageBytes?: number;
  retry?: RetryPolicy;
  sleep?: Sleep;
  random?: () => number;
}

/** SQS takes at most 10 messages per `SendMessageBatch`. */
const MAX_BATCH_ENTRIES = 10;

/**
 * Sends poison records to the SQS dead-letter queue (`raw-game-events-dlq`) with their payload,
 * position and reason — the event source mapping's own on-failure destination gets only batch
 * metadata. The message layout is in `dead-letter-message.ts`; payloads too large for SQS are
 * truncated and flagged.
 *
 * Letters go out in `SendMessageBatch` calls of at most 10 messages and 256 KiB. Entries SQS fails
 * for its own reasons are sent again with exponential back-off and jitter; an entry SQS refuses as
 * the sender's fault, an error no retry fixes, or running out of attempts rejects with a
 * `PipelineError` (`DEAD_LETTER_WRITE`), so the worker does not acknowledge records whose dead
 * letters were not kept.
 */
export class SqsDeadLetterSink implements DeadLetterSink {
  private readonly maxMessageBytes: number;
  private readonly retry: RetryPolicy;
  private readonly sleep: Sleep;
  private readonly random: () => number;

  constructor(
    private readonly client: SendMessageBatchClient,
    private readonly queueUrl: string,
    options: SqsDeadLetterSinkOptions = {},
  ) {
    this.maxMessageBytes = options.maxMessageBytes ?? SQS_MAX_MESSAGE_BYTES;
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.sleep = options.sleep ?? sleep;
    this.random = options.random ?? Math.random;
  }

  async send(letters: readonly DeadLetter[]): Promise<void> {
    const messages = letters.map((letter) => encodeDeadLetter(letter, this.maxMessageBytes));
    for (const batch of this.batches(messages)) await this.sendBatch(batch);
  }

  /** Consecutive groups of at most 10 messages and `maxMessageBytes` in all. */
  private *batches(messages: readonly DeadLetterMessage[]): Generator<DeadLetterMessage[]> {
    let batch: DeadLetterMessage[] = [];
    let bytes = 0;
    for (const message of messages) {
      if (
        batch.length === MAX_BATCH_ENTRIES ||
        (batch.length > 0 && bytes + message.size > this.maxMessageBytes)
      ) {
        yield batch;
        batch = [];
        bytes = 0;
      }
      batch.push(message);
      bytes += message.size;
    }
    if (batch.length > 0) yield batch;
  }

  private async sendBatch(messages: readonly DeadLetterMessage[]): Promise<void> {
    let pending = messages.map((message, index) => ({ id: String(index), message }));
    for (let attempt = 1; ; attempt += 1) {
      let lastError: string;
      let cause: unknown;
      try {
        const output = await this.client.send(
          new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending.map(toEntry) }),
        );
        const failed = output.Failed ?? [];
        const refused = failed.find((entry) => entry.SenderFault);
        if (refused) {
          throw new PipelineError(
            'DEAD_LETTER_WRITE',
            `SQS refused a dead letter: ${refused.Code ?? 'error'}: ${refused.Message ?? ''}`.trim(),
            false,
          );
        }
        if (failed.length === 0) return;
        const failedIds = new Set(failed.map((entry) => entry.Id));
        pending = pending.filter((entry) => failedIds.has(entry.id));
        lastError = `${failed[0]?.Code ?? 'error'}: ${failed[0]?.Message ?? ''}`.trim();
      } catch (error) {
        if (error instanceof PipelineError) throw error;
        if (!isRetriableAwsError(error)) {
          throw new PipelineError(
            'DEAD_LETTER_WRITE',
            'SendMessageBatch to the dead-letter queue failed',
            false,
            {
              cause: error,
            },
          );
        }
        lastError = String(error);
        cause = error;
      }
      if (attempt >= this.retry.maxAttempts) {
        throw new PipelineError(
          'DEAD_LETTER_WRITE',
          `dead letters still not sent after ${attempt} attempts (${lastError})`,
          true,
          cause === undefined ? undefined : { cause },
        );
      }
      await this.sleep(backoffDelay(attempt, this.retry, this.random));
    }
  }
}

function toEntry({ id, message }: { id: string; message: DeadLetterMessage }): SendMessageBatchRequestEntry {
  return {
    Id: id,
    MessageBody: message.body,
    MessageAttributes: {
      code: { DataType: 'String', StringValue: message.attributes.code },
      reason: { DataType: 'String', StringValue: message.attributes.reason },
    },
  };
}
