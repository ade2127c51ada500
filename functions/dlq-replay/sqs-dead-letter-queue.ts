import type { SqsDeadLetterReader } from '@geqo/shared/adapters/sqs';
import type { Logger } from '@geqo/shared/ports';
import type { DeadLetterQueue, QueuedDeadLetter } from './make-handler.ts';

/** How long received letters stay hidden: longer than one replay run can take. */
const VISIBILITY_SECONDS = 900;
/** Receives in a row that may bring only messages we skip before the queue counts as drained. */
const MAX_SKIPPING_RECEIVES = 10;

/**
 * `raw-game-events-dlq` as the replay reads it. Messages the worker's sink did not write, and
 * letters whose payload was truncated to fit SQS (replaying them would feed the worker a broken
 * frame), are skipped and stay in the queue for an operator.
 */
export class SqsDeadLetterQueue implements DeadLetterQueue {
  constructor(
    private readonly reader: Pick<SqsDeadLetterReader, 'receive' | 'delete'>,
    private readonly logger: Logger,
  ) {}

  async receive(max: number): Promise<QueuedDeadLetter[]> {
    for (let attempt = 0; attempt < MAX_SKIPPING_RECEIVES; attempt += 1) {
      const messages = await this.reader.receive({
        maxMessages: max,
        visibilityTimeoutSeconds: VISIBILITY_SECONDS,
      });
      if (messages.length === 0) return [];
      const letters: QueuedDeadLetter[] = [];
      for (const message of messages) {
        if (message.kind === 'dead-letter' && !message.truncated) {
          const { letter } = message;
          letters.push({
            receipt: message.receiptHandle,
            partitionKey: letter.partitionKey,
            payload: letter.payload,
            code: letter.code,
          });
        } else {
          this.logger.warn('dead letter skipped', {
            messageId: message.messageId,
            why: message.kind === 'other' ? message.problem : 'payload truncated to fit SQS',
          });
        }
      }
      if (letters.length > 0) return letters;
    }
    return [];
  }

  async remove(letters: readonly QueuedDeadLetter[]): Promise<void> {
    await this.reader.delete(letters.map((letter) => ({ receiptHandle: letter.receipt })));
  }
}
