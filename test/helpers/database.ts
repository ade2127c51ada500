import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { createPool, migrate } from '../../shared/adapters/postgres/index.ts';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates a fresh, uniquely named database on the shared test server. */
export async function createTestDatabase(prefix = 'geqo_test'): Promise<TestDatabase> {
  const adminUrl = inject('postgresAdminUrl');
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client(adminUrl);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const client = new pg.Client(adminUrl);
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * A fresh database with every migration, for the tests of one file: made before them, dropped
 * after. Its `pool` is there once the tests run (not while the file is being collected).
 */
export function useMigratedDatabase(prefix?: string): { readonly pool: pg.Pool } {
  let database: TestDatabase | undefined;
  let pool: pg.Pool | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(prefix);
    pool = createPool(database.url);
    await migrate(pool);
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });
  return {
    get pool() {
      if (pool === undefined)
        throw new Error(
          'the test database is there only while the tests run: use its pool in a test or a hook',
        );
      return pool;
    },
  };
}
