/** Composition root of the plugin `$connect` authorizer: config -> pool -> repository -> registry. */
import { PostgresServerRepository } from '@geqo/shared/adapters/postgres';
import { ServerRegistry } from '@geqo/shared/app/servers';
import { createLambdaPool } from '../lib/database.ts';
import { createObservability } from '../lib/observability.ts';
import { credentialsFromEnv } from '../lib/rds-auth-token.ts';
import { loadConfig } from './config.ts';
import { makeHandler } from './make-handler.ts';

export { makeHandler };

const config = loadConfig(process.env);
const { logger, metrics } = createObservability('ws-authorizer', config.logLevel);
const pool = createLambdaPool(config.database, {
  applicationName: 'geqo-ws-authorizer',
  credentials: () => credentialsFromEnv(process.env),
});

export const handler = makeHandler({
  servers: new ServerRegistry(new PostgresServerRepository(pool)),
  logger,
  metrics,
});
