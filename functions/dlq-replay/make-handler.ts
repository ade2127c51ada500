import type { Logger, StreamProducer } from '@geqo/shared/ports';
import type { FlushableMetrics } from '../lib/emf-metrics.ts';
import { withMetrics } from '../lib/observability.ts';

/** One dead letter as read back from the queue. */
export interface QueuedDeadLetter {
  /** What deletes it from the queue once replayed (an SQS receipt handle). */
  receipt: string;
  partitionKey: string;
  payload: Uint8Array;
  code: string;
}

/** The dead-letter queue as the replay reads it. */
export interface DeadLetterQueue {
  /** Up to `max` letters, hidden from other readers until removed or timed out. */
  receive(max: number): Promise<QueuedDeadLetter[]>;
  remove(letters: readonly QueuedDeadLetter[]): Promise<void>;
}

export interface DlqReplayDeps {
  queue: DeadLetterQueue;
  producer: StreamProducer;
  /** `raw-game-events`. */
  stream: string;
  logger: Logger;
  metrics: FlushableMetrics;
}

/** Invocation payload: `{ "maxMessages": 500 }` (default 100), from the console, the CLI or a schedule. */
export interface DlqReplayEvent {
  maxMessages?: number;
}

export interface DlqReplayResult {
  replayed: number;
  byCode: Record<string, number>;
}

const RECEIVE_MAX = 10;
const DEFAULT_MAX = 100;

/**
 * Puts dead letters back on the raw stream, with their original partition key, once the cause
 * is fixed (a deployed worker fix, a corrected server). A letter leaves the queue only after the
 * stream accepted it; a letter that fails again simply comes back as a new dead letter. The
 * worker is idempotent, so a replay that is interrupted and run again changes nothing twice.
 */
export function makeHandler({ queue, producer, stream, logger, metrics }: DlqReplayDeps) {
  return (event: DlqReplayEvent = {}): Promise<DlqReplayResult> =>
    withMetrics(metrics, async () => {
      const max = Math.max(1, Math.min(10_000, Math.trunc(event.maxMessages ?? DEFAULT_MAX)));
      const byCode: Record<string, number> = {};
      let replayed = 0;
      while (replayed < max) {
        const letters = await queue.receive(Math.min(RECEIVE_MAX, max - replayed));
        if (letters.length === 0) break;
        await producer.put(
          stream,
          letters.map((letter) => ({ partitionKey: letter.partitionKey, data: letter.payload })),
        );
        await queue.remove(letters);
        for (const letter of letters) byCode[letter.code] = (byCode[letter.code] ?? 0) + 1;
        replayed += letters.length;
      }
      metrics.count('dead_letters_replayed', replayed);
      logger.info('dead letters replayed', { stream, replayed, byCode });
      return { replayed, byCode };
    });
}
