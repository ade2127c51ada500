import type pg from 'pg';
import type { ConnectionRegistry } from '../../ports/index.ts';

/**
 * Dashboard subscriptions in `dashboard_connections` (what the Lambda functions share: each
 * instance sees the same subscriptions). The primary key `(topic, connection_id)` serves the
 * broadcaster's lookup by topic and the index on `connection_id` serves `$disconnect`: no
 * statement here scans the table.
 */
export class PostgresConnectionRegistry implements ConnectionRegistry {
  constructor(private readonly pool: pg.Pool) {}

  async subscribe(connectionId: string, topic: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO dashboard_connections (topic, connection_id) VALUES ($1, $2)
       ON CONFLICT (topic, connection_id) DO NOTHING`,
      [topic, connectionId],
    );
  }

  async unsubscribe(connectionId: string, topic: string): Promise<void> {
    await this.pool.query('DELETE FROM dashboard_connections WHERE topic = $1 AND connection_id = $2', [
      topic,
      connectionId,
    ]);
  }

  async remove(connectionId: string): Promise<void> {
    await this.pool.query('DELETE FROM dashboard_connections WHERE connection_id = $1', [connectionId]);
  }

  async subscribers(topic: string): Promise<readonly string[]> {
    const { rows } = await this.pool.query<{ connection_id: string }>(
      'SELECT connection_id FROM dashboard_connections WHERE topic = $1',
      [topic],
    );
    return rows.map((row) => row.connection_id);
  }
}
