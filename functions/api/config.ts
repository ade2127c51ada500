import { type Env, EnvReader, type LogLevel } from '../lib/config.ts';
import { type DatabaseConfig, readDatabaseConfig } from '../lib/database.ts';

export interface ApiConfig {
  logLevel: LogLevel;
  database: DatabaseConfig;
}

/** `LOG_LEVEL` and the database variables. */
export function loadConfig(env: Env): ApiConfig {
  const reader = new EnvReader(env);
  return reader.done({ logLevel: reader.logLevel(), database: readDatabaseConfig(reader) });
}
