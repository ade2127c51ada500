import { type Env, EnvReader, type LogLevel } from '../lib/config.ts';
import { type DatabaseConfig, readDatabaseConfig } from '../lib/database.ts';

export interface WsAuthorizerConfig {
  logLevel: LogLevel;
  database: DatabaseConfig;
}

/** `LOG_LEVEL`; `DATABASE_URL` or `DB_HOST`, `DB_PORT`, `DB_NAME`, `DB_USER`, `AWS_REGION`. */
export function loadConfig(env: Env): WsAuthorizerConfig {
  const reader = new EnvReader(env);
  return reader.done({ logLevel: reader.logLevel(), database: readDatabaseConfig(reader) });
}
