/**
 * Messages between `geqo up`'s main thread and its statistics thread (structured clone).
 */
import type { LocalConfig } from '../config.ts';
import type { SupervisorMessage } from '../supervised-thread.ts';

/** What the thread starts from (`workerData`). */
export interface StatsThreadData {
  config: LocalConfig;
  /** The database the main thread opened (embedded or `DATABASE_URL`), already migrated. */
  databaseUrl: string;
}

export type ToStatsThread =
  /** Matches ended: sweep now rather than at the next period. */
  | { type: 'wake' }
  /** Finish the match in hand, close, answer `stopped`. */
  | { type: 'stop' };

export type FromStatsThread = SupervisorMessage;
