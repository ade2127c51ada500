/**
 * Messages between `geqo up`'s main thread and its worker thread. Plain data: they cross the
 * thread boundary by structured clone.
 */
import type { CommittedRecords } from '@geqo/shared/adapters/postgres';
import type { StreamRecord } from '@geqo/shared/ports';
import type { LocalConfig } from '../config.ts';

/** What the thread starts from (`workerData`). */
export interface WorkerThreadData {
  config: LocalConfig;
  /** The database the main thread opened (embedded or `DATABASE_URL`), already migrated. */
  databaseUrl: string;
  /** Topics dashboards follow at start-up. */
  topics: string[];
}

export interface MetricCall {
  kind: 'count' | 'observe';
  name: string;
  value: number;
  labels?: Record<string, string>;
}

export type ToWorkerThread =
  /** Records were committed on this stream: poll now (and take them from here). */
  | { type: 'append'; stream: string; committed?: CommittedRecords }
  /**
   * Topics dashboards began (`added`) or stopped (`removed`) following; events of other matches are
   * not published. Changes only, never the whole list: a subscription costs the same at any count.
   */
  | { type: 'topics'; added: string[]; removed: string[] }
  /** Finish the batch in hand, commit, close, answer `stopped`. */
  | { type: 'stop' };

export type FromWorkerThread =
  | { type: 'ready' }
  /** Processed messages of a committed batch, for the broadcaster. */
  | { type: 'processed'; records: StreamRecord[] }
  | { type: 'metrics'; calls: MetricCall[] }
  /**
   * The worker fell past its hold limit (`taking: false`) and reads frames from the table, or
   * keeps what is handed over again (`true`): ingest makes frame digests only while it is taken.
   */
  | { type: 'handover'; taking: boolean }
  | { type: 'stopped' };
