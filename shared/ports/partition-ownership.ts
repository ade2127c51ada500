/**
 * Who may write for which partition of a consumer group's topic (Kafka: `raw-game-events`), kept in
 * the worker's own database: an epoch per `(group, topic, partition)`.
 *
 * A worker assigned a partition by the group *takes* it: the epoch goes up by one, and from then on
 * every batch it commits carries, per partition it read, the epoch it took and the next offset to
 * read (a {@link PartitionsCheckpoint}). The store checks each epoch inside the batch's transaction,
 * under a row lock, and refuses the whole write when one has moved on. So of two workers that both
 * believe they own a partition (a rebalance, a paused process), only the last to take it can write,
 * and it took it after every write of the earlier owner committed or was refused: it starts from
 * the stored snapshots and offsets, never from state another process moved past.
 *
 * The fence is per partition, and a server's records stay on one partition only while the topic's
 * partition count stays the same: add partitions only with the workers stopped and drained.
 */

/** A partition as a reader holds it: its owner epoch, and where the group's stored position is. */
export interface PartitionClaim {
  partition: number;
  epoch: number;
  /** The next offset to read, as committed with the last batch written under any epoch; null if none. */
  nextOffset: string | null;
}

/** One partition a batch read: the epoch its reader holds and the next offset to read after the batch. */
export interface PartitionPosition {
  partition: number;
  epoch: number;
  nextOffset: string;
}

export interface PartitionOwnership {
  /**
   * Takes `partitions` of `topic` for `owner` (a name for logs and the table) in one transaction:
   * each epoch goes up by one, which fences every earlier holder out. Waits for a batch of an
   * earlier holder being committed right now, so the stored positions returned include it.
   */
  take(group: string, topic: string, partitions: readonly number[], owner: string): Promise<PartitionClaim[]>;
  /** The current epoch and stored position of `partitions`, without taking them. */
  read(group: string, topic: string, partitions: readonly number[]): Promise<PartitionClaim[]>;
}
