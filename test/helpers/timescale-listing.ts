import pg from 'pg';
import { createTestDatabase, type TestDatabase } from './database.ts';

/**
 * A database whose `pg_available_extensions` lists TimescaleDB, as a server with the package
 * installed but not in `shared_preload_libraries` does: a view in `public` shadows the catalog's,
 * and the database's search path puts `public` before `pg_catalog`. `CREATE EXTENSION timescaledb`
 * then fails here, as it would there.
 */
export async function createDatabaseListingTimescale(): Promise<TestDatabase> {
  const database = await createTestDatabase('geqo_fake_tsdb');
  const client = new pg.Client(database.url);
  await client.connect();
  try {
    await client.query(`CREATE VIEW public.pg_available_extensions AS
      SELECT name, default_version, installed_version, comment FROM pg_catalog.pg_available_extensions
      UNION ALL SELECT 'timescaledb'::name, '2.17.2'::text, NULL::text, 'listed, not installable'::text`);
    await client.query(`ALTER DATABASE ${database.name} SET search_path = public, pg_catalog`);
  } finally {
    await client.end();
  }
  return database;
}
