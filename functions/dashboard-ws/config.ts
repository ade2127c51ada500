import { type Env, EnvReader, type LogLevel } from '../lib/config.ts';
import { type DatabaseConfig, readDatabaseConfig } from '../lib/database.ts';

export interface DashboardWsConfig {
  logLevel: LogLevel;
  database: DatabaseConfig;
}

/** `LOG_LEVEL` and the database variables. */
export function loadConfig(env: Env): DashboardWsConfig {
  const reader = new EnvReader(env);
  return reader.done({ logLevel: reader.logLevel(), database: readDatabaseConfig(reader) });
}
