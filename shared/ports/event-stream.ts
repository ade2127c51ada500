import type { StreamCheckpoint } from './event-store.ts';

/**
 * The durable stream between ingest and the worker (`raw-game-events`) and between the worker and
 * the broadcaster (`processed-game-events`). Implemented by the local PostgreSQL-backed stream,
 * an in-memory stream, Kinesis and Kafka/MSK.
 *
 * Delivery is at least once and ordered per partition key (the server id): consumers must be
 * idempotent.
 */

/** One record to put on a stream. */
export interface StreamRecord {
  /** Keeps order: all records of one key land on one shard / partition, in order. */
  partitionKey: string;
  data: Uint8Array;
  /**
   * In-process only: what ingest decoded of `data`, made by `geqo up`'s ingest and handed with the
   * record to a worker in the same process, which then need not decode the frame again (see
   * `local/src/frame-digests.ts`). Never stored: a record read back from a stream has none.
   */
  digest?: Uint8Array;
}

/** A record read back from a stream, with its position. */
export interface ConsumedRecord extends StreamRecord {
  stream: string;
  /** Shard id (Kinesis), `<topic>-<partition>` (Kafka) or `local`. */
  shard: string;
  /** Sequence number (Kinesis), offset (Kafka, local): a decimal string, ordered within a shard. */
  position: string;
  /** When the stream accepted the record (epoch ms). */
  arrivedAt: number;
}

export interface StreamProducer {
  /**
   * Puts records on `stream`. Resolves only when every record is durably accepted, in order per
   * partition key; rejects with a {@link StreamWriteError}-like error otherwise (nothing is acked).
   */
  put(stream: string, records: readonly StreamRecord[]): Promise<void>;
  close(): Promise<void>;
}

/** Reads a stream from a committed position on, on behalf of one named consumer. */
export interface StreamConsumer {
  /** The next records after the committed (or last polled) position; waits up to `waitMs` for some. */
  poll(maxRecords: number, waitMs: number): Promise<ConsumedRecord[]>;
  /** Forgets what was polled but not committed: the next poll starts after the committed position. */
  rewind(): void;
  /**
   * Optional: how many records a poll would return right now without asking the stream (records
   * known to be there, e.g. handed over in-process); 0 when unknown. A cheap, local question.
   */
  waiting?(): number;
  /** Marks everything up to and including `record` as processed. */
  commit(record: ConsumedRecord): Promise<void>;
  /**
   * Optional: the checkpoint the worker commits in its own transaction once everything polled up
   * to and including `record` is written (Kafka with partition ownership: per partition the next
   * offset and the owner epoch); undefined when this consumer keeps its position elsewhere.
   */
  checkpointFor?(record: ConsumedRecord): StreamCheckpoint | undefined;
  close(): Promise<void>;
}
