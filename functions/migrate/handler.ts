/** Composition root of the migrations custom resource: config -> pool -> migrate. */
import { migrate } from '@geqo/shared/adapters/postgres';
import { createLambdaPool } from '../lib/database.ts';
import { createObservability } from '../lib/observability.ts';
import { credentialsFromEnv } from '../lib/rds-auth-token.ts';
import { loadConfig } from './config.ts';
import { ensureIamAppUser } from './iam-app-user.ts';
import { makeHandler } from './make-handler.ts';
import { MIGRATE_RETRY, retryConnecting } from './retry-connecting.ts';

export { makeHandler };

const config = loadConfig(process.env);
const { logger } = createObservability('migrate', config.logLevel);
const pool = createLambdaPool(config.database, {
  applicationName: 'geqo-migrate',
  max: 1,
  credentials: () => credentialsFromEnv(process.env),
});

// On a first deploy the writer or the proxy's target may not answer yet: wait for them.
export const handler = makeHandler({
  migrate: () =>
    retryConnecting(
      async () => {
        // Small profile: the functions' IAM role first, so that it owns what the migrations create.
        const { database, iamAppUser } = config;
        if (iamAppUser && database.kind !== 'url') await ensureIamAppUser(pool, iamAppUser, database.user);
        return migrate(pool);
      },
      {
        ...MIGRATE_RETRY,
        onRetry: (attempt, delayMs, error) =>
          logger.warn('database not reachable yet; retrying', {
            attempt,
            delayMs: Math.round(delayMs),
            error: error instanceof Error ? error.message : String(error),
          }),
      },
    ),
  logger,
});
