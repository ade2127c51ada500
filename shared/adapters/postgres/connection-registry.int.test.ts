import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { PostgresConnectionRegistry } from './connection-registry.ts';
import { migrate } from './migrate.ts';
import { createPool } from './pool.ts';

describe('PostgresConnectionRegistry', () => {
  let database: TestDatabase;
  let pool: ReturnType<typeof createPool>;

  beforeAll(async () => {
    database = await createTestDatabase('geqo_connreg');
    pool = createPool(database.url, { max: 2 });
    await migrate(pool);
  });

  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it('subscribes idempotently, looks up by topic and removes a connection everywhere', async () => {
    // Prepare
    const registry = new PostgresConnectionRegistry(pool);
    await registry.subscribe('c-1', 'm-1');
    await registry.subscribe('c-1', 'm-1');
    await registry.subscribe('c-1', 'matches');
    await registry.subscribe('c-2', 'm-1');
    // Act
    const before = [...(await registry.subscribers('m-1'))].sort();
    await registry.unsubscribe('c-2', 'm-1');
    await registry.remove('c-1');
    // Assess
    expect(before).toEqual(['c-1', 'c-2']);
    expect(await registry.subscribers('m-1')).toEqual([]);
    expect(await registry.subscribers('matches')).toEqual([]);
  });

  it('uses the indexes for both lookups, never a table scan', async () => {
    // Prepare: enough rows that the planner would rather not scan, and planner statistics.
    await pool.query(
      `INSERT INTO dashboard_connections (topic, connection_id)
       SELECT 'm-' || (i % 500), 'c-' || i FROM generate_series(1, 20000) AS i`,
    );
    await pool.query('ANALYZE dashboard_connections');
    // Act
    const byTopic = await pool.query(
      `EXPLAIN SELECT connection_id FROM dashboard_connections WHERE topic = 'm-7'`,
    );
    const byConnection = await pool.query(
      `EXPLAIN DELETE FROM dashboard_connections WHERE connection_id = 'c-7'`,
    );
    // Assess
    const plan = (result: { rows: Record<string, string>[] }) =>
      result.rows.map((r) => Object.values(r)[0]).join('\n');
    expect(plan(byTopic)).not.toMatch(/Seq Scan/);
    expect(plan(byConnection)).not.toMatch(/Seq Scan/);
  });
});
