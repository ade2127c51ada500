import { type Env, EnvReader, type LogLevel } from '../lib/config.ts';
import { type DatabaseConfig, readDatabaseConfig } from '../lib/database.ts';

export interface BroadcasterConfig {
  logLevel: LogLevel;
  database: DatabaseConfig;
  /** The dashboard API's Management API endpoint: `https://{apiId}.execute-api.{region}.amazonaws.com/{stage}`. */
  dashboardEndpoint: string;
  region: string;
}

/** `LOG_LEVEL`, the database variables, `DASHBOARD_WS_ENDPOINT`, `AWS_REGION`. */
export function loadConfig(env: Env): BroadcasterConfig {
  const reader = new EnvReader(env);
  return reader.done({
    logLevel: reader.logLevel(),
    database: readDatabaseConfig(reader),
    dashboardEndpoint: reader.url('DASHBOARD_WS_ENDPOINT'),
    region: reader.string('AWS_REGION'),
  });
}
