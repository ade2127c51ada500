/** Composition root of the statistics sweep: config -> pool -> match stats store -> MatchAggregator. */
import { PostgresMatchStatsStore } from '@geqo/shared/adapters/postgres';
import { MatchAggregator } from '@geqo/shared/app/stats';
import { createLambdaPool } from '../lib/database.ts';
import { createObservability } from '../lib/observability.ts';
import { credentialsFromEnv } from '../lib/rds-auth-token.ts';
import { loadConfig } from './config.ts';
import { makeHandler } from './make-handler.ts';

export { makeHandler };

const config = loadConfig(process.env);
const { logger, metrics } = createObservability('stats-aggregation', config.logLevel);
const pool = createLambdaPool(config.database, {
  applicationName: 'geqo-stats-aggregation',
  credentials: () => credentialsFromEnv(process.env),
});

export const handler = makeHandler({
  aggregator: new MatchAggregator({ store: new PostgresMatchStatsStore(pool), logger, metrics }),
  batchSize: config.batchSize,
  budgetMs: config.budgetMs,
  logger,
  metrics,
});
