import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createPool, EventPartitions, type MigrationReport, migrate } from '@geqo/shared/adapters/postgres';
import type { Logger } from '@geqo/shared/ports';
import type pg from 'pg';
import type { LocalConfig } from './config.ts';
import {
  embeddedDataDir,
  embeddedPassword,
  embeddedUrl,
  findRunningPostgres,
  startEmbeddedPostgres,
} from './postgres/embedded-postgres.ts';

export interface OpenDatabase {
  pool: pg.Pool;
  url: string;
  embedded: boolean;
  /** Where the embedded server keeps its data (null with `DATABASE_URL`). */
  postgresDataDir: string | null;
  migration: MigrationReport;
  close(): Promise<void>;
}

const EMBEDDED_DATABASE = 'geqo';

/** The embedded server's data folder inside the data folder of `geqo up`. */
export function postgresDataDirOf(dataDir: string): string {
  return join(dataDir, 'postgres');
}

/** The URL of the embedded PostgreSQL `geqo up` runs on `dataDir` (its password is kept there). */
export function embeddedUrlOf(dataDir: string, port: number, database = EMBEDDED_DATABASE): string {
  return embeddedUrl(
    port,
    database,
    'postgres',
    embeddedPassword(embeddedDataDir(postgresDataDirOf(dataDir))),
  );
}

/**
 * `owner`: `geqo up`, which runs the embedded server and stops it at exit (one per data folder).
 * `client`: any other command, which uses a running `geqo up`'s server, or runs one briefly.
 */
export type DatabaseMode = 'owner' | 'client';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `<dataDir>/geqo-up.pid`: which process owns the embedded server, so a second `geqo up` refuses to start. */
function claimOwnership(dataDir: string): () => void {
  const file = join(dataDir, 'geqo-up.pid');
  if (existsSync(file)) {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    if (pid !== process.pid && Number.isInteger(pid) && processAlive(pid)) {
      throw new Error(`geqo up is already running on ${dataDir} (pid ${pid})`);
    }
  }
  writeFileSync(file, String(process.pid));
  return () => rmSync(file, { force: true });
}

/**
 * Connects to `DATABASE_URL`, or to the embedded PostgreSQL (data under `<dataDir>/postgres`,
 * database `geqo`), starting it when needed; then migrates and makes the partitions around today.
 */
export async function openDatabase(
  config: Pick<LocalConfig, 'databaseUrl' | 'dataDir' | 'embeddedPostgresPort'>,
  logger: Logger,
  options: { mode?: DatabaseMode; poolSize?: number; applicationName?: string } = {},
): Promise<OpenDatabase> {
  const mode = options.mode ?? 'client';
  let url = config.databaseUrl;
  let stopEmbedded: (() => Promise<void>) | null = null;
  let release = () => {};
  let postgresDataDir: string | null = null;
  if (!url) {
    await mkdir(config.dataDir, { recursive: true });
    const dataDir = postgresDataDirOf(config.dataDir);
    postgresDataDir = embeddedDataDir(dataDir);
    if (mode === 'owner') release = claimOwnership(config.dataDir);
    const running = findRunningPostgres(embeddedDataDir(dataDir));
    if (running && mode === 'client') {
      url = embeddedUrl(
        running.port,
        EMBEDDED_DATABASE,
        'postgres',
        embeddedPassword(embeddedDataDir(dataDir)),
      );
    } else {
      logger.info('starting embedded PostgreSQL', {
        dataDir,
        port: running?.port ?? config.embeddedPostgresPort,
      });
      const server = await startEmbeddedPostgres({
        dataDir,
        port: config.embeddedPostgresPort,
        supervise: mode === 'owner',
        onLog: (line, level = 'debug') => logger[level](line, { component: 'postgres' }),
      });
      const admin = createPool(server.url, { max: 1 });
      try {
        const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [EMBEDDED_DATABASE]);
        if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${EMBEDDED_DATABASE}`);
      } finally {
        await admin.end();
      }
      url = server.urlFor(EMBEDDED_DATABASE);
      stopEmbedded = server.stop;
    }
  }
  const pool = createPool(url, { max: options.poolSize ?? 10, applicationName: options.applicationName });
  const close = async () => {
    await pool.end().catch(() => {});
    if (stopEmbedded) await stopEmbedded().catch(() => {});
    release();
  };
  try {
    const migration = await migrate(pool, (m) =>
      logger.info('migration applied', { version: m.version, migration: m.name }),
    );
    if (migration.capabilities.timescaleRefused) {
      logger.info('TimescaleDB is listed but cannot be created; game_events uses native range partitions', {
        reason: migration.capabilities.timescaleRefused,
      });
    }
    logger.info('database ready', {
      schemaVersion: migration.current,
      timescale: migration.capabilities.timescale,
      partitioning: migration.capabilities.timescale ? 'hypertable' : 'native range partitions',
    });
    await new EventPartitions(pool).ensureAround(Date.now());
    return { pool, url, embedded: !config.databaseUrl, postgresDataDir, migration, close };
  } catch (error) {
    await close();
    throw error;
  }
}
