import { type Env, EnvReader, type LogLevel } from '../lib/config.ts';
import { type DatabaseConfig, readDatabaseConfig } from '../lib/database.ts';

export interface MigrateConfig {
  logLevel: LogLevel;
  database: DatabaseConfig;
  /** Set when the functions log in to Aurora directly with IAM as this role (small profile). */
  iamAppUser?: string;
}

/** `LOG_LEVEL`, the database variables and `DB_IAM_APP_USER`. */
export function loadConfig(env: Env): MigrateConfig {
  const reader = new EnvReader(env);
  const iamAppUser = reader.optionalString('DB_IAM_APP_USER');
  return reader.done({
    logLevel: reader.logLevel(),
    database: readDatabaseConfig(reader),
    ...(iamAppUser ? { iamAppUser } : {}),
  });
}
