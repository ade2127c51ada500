/** Composition root of the dashboard WebSocket API's routes: config -> pool -> connection registry. */
import { PostgresConnectionRegistry } from '@geqo/shared/adapters/postgres';
import { createLambdaPool } from '../lib/database.ts';
import { createObservability } from '../lib/observability.ts';
import { credentialsFromEnv } from '../lib/rds-auth-token.ts';
import { loadConfig } from './config.ts';
import { makeHandler } from './make-handler.ts';

export { makeHandler };

const config = loadConfig(process.env);
const { logger, metrics } = createObservability('dashboard-ws', config.logLevel);
const pool = createLambdaPool(config.database, {
  applicationName: 'geqo-dashboard-ws',
  credentials: () => credentialsFromEnv(process.env),
});

export const handler = makeHandler({ registry: new PostgresConnectionRegistry(pool), logger, metrics });
