import { type Env, EnvReader, type LogLevel } from '../lib/config.ts';
import { type DatabaseConfig, readDatabaseConfig } from '../lib/database.ts';

export interface BroadcasterConfig {
  logLevel: LogLevel;
  database: DatabaseConfig;
  /** The dashboard API's Management API endpoint: `https://{apiId}.execute-api.{region}.amazonaws.com/{stage}`. */
  dashboardEndpoint: string;
  region: string;
  /** Posts in flight at once (`BROADCAST_CONCURRENCY`, 16 by default). */
  concurrency: number;
}

/** `LOG_LEVEL`, the database variables, `DASHBOARD_WS_ENDPOINT`, `AWS_REGION`, `BROADCAST_CONCURRENCY`. */
export function loadConfig(env: Env): BroadcasterConfig {
  const reader = new EnvReader(env);
  return reader.done({
    logLevel: reader.logLevel(),
    database: readDatabaseConfig(reader),
    dashboardEndpoint: reader.url('DASHBOARD_WS_ENDPOINT'),
    region: reader.string('AWS_REGION'),
    concurrency: reader.int('BROADCAST_CONCURRENCY', { fallback: 16, min: 1, max: 256 }),
  });
}
