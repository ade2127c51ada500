import { type Env, EnvReader, type LogLevel } from '../lib/config.ts';
import { type DatabaseConfig, readDatabaseConfig } from '../lib/database.ts';

export interface StatsAggregationConfig {
  logLevel: LogLevel;
  database: DatabaseConfig;
  /** Matches aggregated per batch. */
  batchSize: number;
  /** No new batch starts after this long, so one sweep ends before the next is scheduled. */
  budgetMs: number;
}

/**
 * `LOG_LEVEL`, the database variables, `AGGREGATION_BATCH_SIZE` (default 20) and
 * `AGGREGATION_BUDGET_MS` (default 45,000).
 */
export function loadConfig(env: Env): StatsAggregationConfig {
  const reader = new EnvReader(env);
  return reader.done({
    logLevel: reader.logLevel(),
    database: readDatabaseConfig(reader),
    batchSize: reader.int('AGGREGATION_BATCH_SIZE', { fallback: 20, min: 1, max: 500 }),
    budgetMs: reader.int('AGGREGATION_BUDGET_MS', { fallback: 45_000, min: 1_000, max: 900_000 }),
  });
}
