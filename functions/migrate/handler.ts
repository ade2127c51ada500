/** Composition root of the migrations custom resource: config -> pool -> migrate. */
import { migrate } from '@geqo/shared/adapters/postgres';
import { createLambdaPool } from '../lib/database.ts';
import { credentialsFromEnv } from '../lib/rds-auth-token.ts';
import { createObservability } from '../lib/runtime.ts';
import { loadConfig } from './config.ts';
import { makeHandler } from './make-handler.ts';

export { makeHandler };

const config = loadConfig(process.env);
const { logger } = createObservability('migrate', config.logLevel);
const pool = createLambdaPool(config.database, {
  applicationName: 'geqo-migrate',
  max: 1,
  credentials: () => credentialsFromEnv(process.env),
});

export const handler = makeHandler({ migrate: () => migrate(pool), logger });
