import type pg from 'pg';
import type { PartitionClaim, PartitionOwnership, PartitionsCheckpoint } from '../../ports/index.ts';
import type { QueryStatement } from './pool.ts';

/** Partition epochs and offsets in `partition_owners` (migration 8). */
export class PostgresPartitionOwnership implements PartitionOwnership {
  constructor(private readonly pool: pg.Pool) {}

  async take(
    group: string,
    topic: string,
    partitions: readonly number[],
    owner: string,
  ): Promise<PartitionClaim[]> {
    if (partitions.length === 0) return [];
    // Rows in partition order, as `commit_partition_positions` locks them: two workers never wait
    // on each other in a cycle. The conflict update waits for a batch committing under the old
    // epoch, then returns the offset that batch stored.
    const { rows } = await this.pool.query<ClaimRow>(
      `INSERT INTO partition_owners (consumer_group, topic, partition_id, epoch, owner, next_offset, taken_at, updated_at)
       SELECT $1, $2, p, 1, $4, NULL, now(), now() FROM unnest($3::int[]) AS p ORDER BY p
       ON CONFLICT (consumer_group, topic, partition_id) DO UPDATE
         SET epoch = partition_owners.epoch + 1, owner = EXCLUDED.owner, taken_at = now(), updated_at = now()
       RETURNING partition_id, epoch, next_offset`,
      [group, topic, [...partitions].sort((a, b) => a - b), owner],
    );
    return rows.map(toClaim).sort((a, b) => a.partition - b.partition);
  }

  async read(group: string, topic: string, partitions: readonly number[]): Promise<PartitionClaim[]> {
    const { rows } = await this.pool.query<ClaimRow>(
      `SELECT partition_id, epoch, next_offset FROM partition_owners
        WHERE consumer_group = $1 AND topic = $2 AND partition_id = ANY($3::int[]) ORDER BY partition_id`,
      [group, topic, [...partitions]],
    );
    return rows.map(toClaim);
  }
}

interface ClaimRow {
  partition_id: number;
  epoch: number | string;
  next_offset: number | string | null;
}

const toClaim = (row: ClaimRow): PartitionClaim => ({
  partition: row.partition_id,
  epoch: Number(row.epoch),
  nextOffset: row.next_offset === null ? null : String(row.next_offset),
});

/**
 * The statement a batch's transaction runs (after its events, before its other rows) when its
 * reader holds partitions: it stores the next offset of each partition read, and fails the
 * transaction (SQLSTATE GQF01, nothing written) if any epoch has moved on. It keeps those rows
 * locked until COMMIT.
 */
export function commitPositionsStatement(checkpoint: PartitionsCheckpoint): QueryStatement {
  const positions = checkpoint.partitions.map((p) => ({
    partition_id: p.partition,
    epoch: p.epoch,
    next_offset: p.nextOffset,
  }));
  return {
    text: 'CALL commit_partition_positions($1, $2, $3::jsonb)',
    values: [checkpoint.consumer, checkpoint.stream, JSON.stringify(positions)],
  };
}
