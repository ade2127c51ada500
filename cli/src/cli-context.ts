import { createLogger, type LogLevel } from '@geqo/shared/adapters/logging';
import type { Logger } from '@geqo/shared/ports';
import { ConfigError, type ConfigOverrides, type LocalConfig, loadConfig } from '../../local/src/config.ts';
import { type OpenDatabase, openDatabase } from '../../local/src/database.ts';

/** Options every command that touches the database accepts. */
export interface DatabaseFlags {
  databaseUrl?: string;
  dataDir?: string;
  logLevel?: LogLevel;
}

export function configFrom(flags: DatabaseFlags & ConfigOverrides): LocalConfig {
  try {
    const { databaseUrl, dataDir, ...rest } = flags;
    return loadConfig(process.env, {
      ...rest,
      ...(databaseUrl ? { databaseUrl } : {}),
      ...(dataDir ? { dataDir } : {}),
    });
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

/** Logs for one-shot commands go to stderr at `warn`, keeping stdout for the command's output. */
export function commandLogger(level: LogLevel = 'warn'): Logger {
  return createLogger({ level, destination: 2 });
}

export async function withDatabase<T>(
  flags: DatabaseFlags,
  work: (db: OpenDatabase) => Promise<T>,
): Promise<T> {
  const config = configFrom(flags);
  const db = await openDatabase(config, commandLogger(flags.logLevel), { mode: 'client', poolSize: 2 });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

export function fail(message: string): never {
  process.stderr.write(`geqo: ${message}\n`);
  process.exit(1);
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`"${value}" is not a port`);
  return port;
}
