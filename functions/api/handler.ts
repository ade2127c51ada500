/** Composition root of the HTTP API: config -> pool -> match queries, statistics, server registry. */
import {
  PostgresMatchQueries,
  PostgresMatchStatsStore,
  PostgresServerRepository,
  PostgresStatsQueries,
} from '@geqo/shared/adapters/postgres';
import { ServerRegistry } from '@geqo/shared/app/servers';
import { MatchAggregator, MatchStatsService } from '@geqo/shared/app/stats';
import { createLambdaPool } from '../lib/database.ts';
import { createObservability } from '../lib/observability.ts';
import { credentialsFromEnv } from '../lib/rds-auth-token.ts';
import { loadConfig } from './config.ts';
import { makeHandler } from './make-handler.ts';

export { makeHandler };

const config = loadConfig(process.env);
const { logger, metrics } = createObservability('api', config.logLevel);
const pool = createLambdaPool(config.database, {
  applicationName: 'geqo-api',
  credentials: () => credentialsFromEnv(process.env),
});
const statsStore = new PostgresMatchStatsStore(pool);

export const handler = makeHandler({
  queries: new PostgresMatchQueries(pool),
  servers: new ServerRegistry(new PostgresServerRepository(pool)),
  // The aggregator only recomputes here (a match in progress, or ended and not aggregated yet);
  // writing the aggregates is the stats-aggregation function's job.
  stats: new MatchStatsService({
    queries: new PostgresStatsQueries(pool),
    store: statsStore,
    aggregator: new MatchAggregator({ store: statsStore, logger, metrics }),
  }),
  logger,
  metrics,
});
