/**
 * Where a Kinesis consumer keeps, per shard, the sequence number of the last record it processed.
 * Sequence numbers are decimal strings of up to 128 bits, so they do not fit the local stream's
 * `stream_offsets.offset` (bigint): a durable store needs its own text column.
 */
export interface KinesisCheckpointStore {
  /** Checkpoints of one consumer on one stream: shard id -> sequence number. */
  load(stream: string, consumer: string): Promise<ReadonlyMap<string, string>>;
  /** Merges `positions` into the consumer's checkpoints (shards not named keep theirs). */
  save(stream: string, consumer: string, positions: ReadonlyMap<string, string>): Promise<void>;
}

/**
 * Checkpoints in process memory: what `geqo up --stream kinesis` uses. After a restart the worker
 * reads each shard from its start again (TRIM_HORIZON); that is correct because its writes are
 * idempotent, only slower. Share one instance between consumers to let a new one resume.
 */
export class MemoryKinesisCheckpoints implements KinesisCheckpointStore {
  private readonly checkpoints = new Map<string, Map<string, string>>();

  async load(stream: string, consumer: string): Promise<ReadonlyMap<string, string>> {
    return new Map(this.checkpoints.get(key(stream, consumer)));
  }

  async save(stream: string, consumer: string, positions: ReadonlyMap<string, string>): Promise<void> {
    const id = key(stream, consumer);
    const current = this.checkpoints.get(id) ?? new Map<string, string>();
    for (const [shard, position] of positions) current.set(shard, position);
    this.checkpoints.set(id, current);
  }
}

const key = (stream: string, consumer: string) => `${stream}\u0000${consumer}`;
