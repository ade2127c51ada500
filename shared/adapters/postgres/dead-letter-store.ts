import type pg from 'pg';
import type { DeadLetterStore, StoredDeadLetter } from '../../ports/index.ts';

interface Row {
  id: number;
  stream: string;
  shard: string;
  position: string;
  partition_key: string;
  payload: Buffer;
  code: string;
  reason: string;
  failed_at: Date;
  replayed_at: Date | null;
}

const toLetter = (row: Row): StoredDeadLetter => ({
  id: Number(row.id),
  stream: row.stream,
  shard: row.shard,
  position: row.position,
  partitionKey: row.partition_key,
  payload: new Uint8Array(row.payload),
  code: row.code,
  reason: row.reason,
  failedAt: row.failed_at.getTime(),
  replayedAt: row.replayed_at?.getTime() ?? null,
});

/** The local dead-letter sink's table, `dead_letters`. */
export class PostgresDeadLetterStore implements DeadLetterStore {
  constructor(private readonly pool: pg.Pool) {}

  async list(options: { limit: number; before?: number; pending?: boolean }): Promise<StoredDeadLetter[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT * FROM dead_letters WHERE ($1::bigint IS NULL OR id < $1) AND (NOT $2 OR replayed_at IS NULL)
        ORDER BY id DESC LIMIT $3`,
      [options.before ?? null, options.pending === true, options.limit],
    );
    return rows.map(toLetter);
  }

  async get(id: number): Promise<StoredDeadLetter | null> {
    const { rows } = await this.pool.query<Row>('SELECT * FROM dead_letters WHERE id = $1', [id]);
    return rows[0] ? toLetter(rows[0]) : null;
  }

  async markReplayed(id: number, at: number): Promise<void> {
    await this.pool.query('UPDATE dead_letters SET replayed_at = $2 WHERE id = $1', [id, new Date(at)]);
  }
}
