import type pg from 'pg';
import { type DatabaseCapabilities, MIGRATIONS, type Migration } from './migrations/index.ts';
import { withClient } from './pool.ts';

/** Any key: serialises concurrent `geqo migrate` / `geqo up` / Lambda custom resource runs. */
const MIGRATION_LOCK = 7_411_902_311;

export interface MigrationReport {
  applied: { version: number; name: string }[];
  current: number;
  capabilities: DatabaseCapabilities;
}

/** Whether `CREATE EXTENSION` of an extension the server lists succeeds, and why not. */
export type ExtensionTrial = { usable: true } | { usable: false; reason: string };

/**
 * Tries `CREATE EXTENSION IF NOT EXISTS <name>` in a transaction it then rolls back, so nothing is
 * left behind either way. A listed extension can still be refused: TimescaleDB must be in
 * `shared_preload_libraries`, and creating an extension takes privileges. `client` must not be in
 * a transaction.
 */
export async function tryExtension(client: pg.PoolClient, name: string): Promise<ExtensionTrial> {
  await client.query('BEGIN');
  try {
    await client.query(`CREATE EXTENSION IF NOT EXISTS ${quoteIdentifier(name)}`);
    return { usable: true };
  } catch (error) {
    return { usable: false, reason: (error as Error).message };
  } finally {
    await client.query('ROLLBACK');
  }
}

/**
 * What the server really offers. TimescaleDB counts when `pg_available_extensions` lists it *and*
 * it can be created: listed alone, the hypertable migration would fail on a server whose library
 * is not preloaded. The view is looked up through the search path, as any query's is.
 */
export async function detectCapabilities(client: pg.PoolClient): Promise<DatabaseCapabilities> {
  const { rows } = await client.query<{ available: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') AS available`,
  );
  if (rows[0]?.available !== true) return { timescale: false };
  const trial = await tryExtension(client, 'timescaledb');
  return trial.usable ? { timescale: true } : { timescale: false, timescaleRefused: trial.reason };
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Applies the migrations not yet applied, each in its own transaction, under an advisory lock.
 * Safe to run from several processes at once and on every start.
 */
export async function migrate(
  pool: pg.Pool,
  onApplied: (migration: Migration) => void = () => {},
): Promise<MigrationReport> {
  return withClient(pool, async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      return await applyPending(client, onApplied);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    }
  });
}

async function applyPending(
  client: pg.PoolClient,
  onApplied: (migration: Migration) => void,
): Promise<MigrationReport> {
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),
    capabilities jsonb NOT NULL DEFAULT '{}')`);
  const done = new Set(
    (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
      (r) => r.version,
    ),
  );
  const capabilities = await detectCapabilities(client);
  const applied: MigrationReport['applied'] = [];
  for (const migration of MIGRATIONS) {
    if (done.has(migration.version)) continue;
    const sql = typeof migration.sql === 'string' ? migration.sql : migration.sql(capabilities);
    await client.query('BEGIN');
    try {
      await client.query(sql);
      await client.query('INSERT INTO schema_migrations (version, name, capabilities) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        JSON.stringify(capabilities),
      ]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw new Error(
        `migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    applied.push({ version: migration.version, name: migration.name });
    onApplied(migration);
  }
  const current = Math.max(0, ...MIGRATIONS.map((m) => m.version));
  return { applied, current, capabilities };
}
