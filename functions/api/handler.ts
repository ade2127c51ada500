/** Composition root of the HTTP API: config -> pool -> match queries, server registry. */
import { PostgresMatchQueries, PostgresServerRepository } from '@geqo/shared/adapters/postgres';
import { ServerRegistry } from '@geqo/shared/app/servers';
import { createLambdaPool } from '../lib/database.ts';
import { credentialsFromEnv } from '../lib/rds-auth-token.ts';
import { createObservability } from '../lib/runtime.ts';
import { loadConfig } from './config.ts';
import { makeHandler } from './make-handler.ts';

export { makeHandler };

const config = loadConfig(process.env);
const { logger, metrics } = createObservability('api', config.logLevel);
const pool = createLambdaPool(config.database, {
  applicationName: 'geqo-api',
  credentials: () => credentialsFromEnv(process.env),
});

export const handler = makeHandler({
  queries: new PostgresMatchQueries(pool),
  servers: new ServerRegistry(new PostgresServerRepository(pool)),
  logger,
  metrics,
});
