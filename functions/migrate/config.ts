import { type Env, EnvReader, type LogLevel } from '../lib/config.ts';
import { type DatabaseConfig, readDatabaseConfig } from '../lib/database.ts';

export interface MigrateConfig {
  logLevel: LogLevel;
  database: DatabaseConfig;
}

/** `LOG_LEVEL` and the database variables. */
export function loadConfig(env: Env): MigrateConfig {
  const reader = new EnvReader(env);
  return reader.done({ logLevel: reader.logLevel(), database: readDatabaseConfig(reader) });
}
