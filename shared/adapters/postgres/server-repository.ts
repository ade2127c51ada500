import type pg from 'pg';
import type { ServerRecord, ServerRepository } from '../../ports/index.ts';

interface ServerRow {
  id: string;
  name: string;
  token_hash: string;
  created_at: Date;
  revoked_at: Date | null;
}

const toRecord = (row: ServerRow): ServerRecord => ({
  id: row.id,
  name: row.name,
  tokenHash: row.token_hash,
  createdAt: row.created_at.getTime(),
  revokedAt: row.revoked_at?.getTime() ?? null,
});

export class PostgresServerRepository implements ServerRepository {
  constructor(private readonly pool: pg.Pool) {}

  async insert(server: ServerRecord): Promise<void> {
    await this.pool.query('INSERT INTO servers (id, name, token_hash, created_at) VALUES ($1, $2, $3, $4)', [
      server.id,
      server.name,
      server.tokenHash,
      new Date(server.createdAt),
    ]);
  }

  async find(id: string): Promise<ServerRecord | null> {
    const { rows } = await this.pool.query<ServerRow>('SELECT * FROM servers WHERE id = $1', [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async list(): Promise<ServerRecord[]> {
    const { rows } = await this.pool.query<ServerRow>('SELECT * FROM servers ORDER BY created_at');
    return rows.map(toRecord);
  }

  async revoke(id: string, at: number): Promise<boolean> {
    const result = await this.pool.query(
      'UPDATE servers SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1',
      [id, new Date(at)],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async revokedAmong(ids: readonly string[]): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      'SELECT id FROM servers WHERE id = ANY($1::text[]) AND revoked_at IS NOT NULL',
      [ids],
    );
    return rows.map((row) => row.id);
  }
}
