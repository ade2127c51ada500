import type { DeadLetter } from './dead-letter-sink.ts';

/** A dead letter as kept by the local sink (`dead_letters`). */
export interface StoredDeadLetter extends DeadLetter {
  id: number;
  replayedAt: number | null;
}

/** Reading and marking the local dead letters. */
export interface DeadLetterStore {
  /** Newest first; `before` is the id to page from. */
  list(options: { limit: number; before?: number; pending?: boolean }): Promise<StoredDeadLetter[]>;
  get(id: number): Promise<StoredDeadLetter | null>;
  markReplayed(id: number, at: number): Promise<void>;
}
