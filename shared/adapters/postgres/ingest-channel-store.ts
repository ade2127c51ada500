import type pg from 'pg';
import type { IngestChannelName, IngestChannelRecord, IngestChannelStore } from '../../ports/index.ts';

interface ChannelRow {
  server_id: string;
  channel: IngestChannelName;
  session: string;
  next_seq: number;
  state: string | null;
  position: string | null;
  pending: Buffer[];
  version: number;
  updated_at: Date;
}

const toRecord = (row: ChannelRow): IngestChannelRecord => ({
  serverId: row.server_id,
  channel: row.channel,
  session: row.session,
  nextSeq: row.next_seq,
  state: row.state === null ? null : JSON.parse(row.state),
  position: row.position === null ? null : JSON.parse(row.position),
  pending: row.pending.map((bytes) => new Uint8Array(bytes)),
  version: row.version,
  updatedAt: row.updated_at.getTime(),
});

/** `ingest_channels` (migration 0004): one row per server and source, saved with a version check. */
export class PostgresIngestChannelStore implements IngestChannelStore {
  constructor(private readonly pool: pg.Pool) {}

  async load(serverId: string, channel: IngestChannelName): Promise<IngestChannelRecord | null> {
    const { rows } = await this.pool.query<ChannelRow>(
      'SELECT * FROM ingest_channels WHERE server_id = $1 AND channel = $2',
      [serverId, channel],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async save(record: IngestChannelRecord): Promise<boolean> {
    const values = [
      record.serverId,
      record.channel,
      record.session,
      record.nextSeq,
      JSON.stringify(record.state),
      JSON.stringify(record.position),
      record.pending.map((bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
      record.version,
      new Date(record.updatedAt),
    ];
    const result =
      record.version === 1
        ? await this.pool.query(
            `INSERT INTO ingest_channels
               (server_id, channel, session, next_seq, state, position, pending, version, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (server_id, channel) DO NOTHING`,
            values,
          )
        : await this.pool.query(
            `UPDATE ingest_channels
                SET session = $3, next_seq = $4, state = $5, position = $6, pending = $7,
                    version = $8, updated_at = $9
              WHERE server_id = $1 AND channel = $2 AND version = $8 - 1`,
            values,
          );
    return (result.rowCount ?? 0) === 1;
  }

  async clearPending(serverId: string, channel: IngestChannelName, version: number): Promise<void> {
    await this.pool.query(
      `UPDATE ingest_channels SET pending = '{}' WHERE server_id = $1 AND channel = $2 AND version = $3`,
      [serverId, channel, version],
    );
  }

  async listPending(limit: number): Promise<IngestChannelRecord[]> {
    const { rows } = await this.pool.query<ChannelRow>(
      'SELECT * FROM ingest_channels WHERE cardinality(pending) > 0 ORDER BY updated_at LIMIT $1',
      [limit],
    );
    return rows.map(toRecord);
  }
}
