/** Composition root of the broadcaster: config -> pool, Management API client -> registry, sender -> Broadcaster. */
import {
  ApiGatewayConnectionSender,
  createApiGatewayManagementClient,
} from '@geqo/shared/adapters/apigw-management';
import { PostgresConnectionRegistry } from '@geqo/shared/adapters/postgres';
import { Broadcaster } from '@geqo/shared/app/broadcast';
import { createLambdaPool } from '../lib/database.ts';
import { createObservability } from '../lib/observability.ts';
import { credentialsFromEnv } from '../lib/rds-auth-token.ts';
import { loadConfig } from './config.ts';
import { makeHandler } from './make-handler.ts';

export { makeHandler };

const config = loadConfig(process.env);
const { logger, metrics } = createObservability('broadcaster', config.logLevel);
const pool = createLambdaPool(config.database, {
  applicationName: 'geqo-broadcaster',
  credentials: () => credentialsFromEnv(process.env),
});

export const handler = makeHandler({
  broadcaster: new Broadcaster({
    registry: new PostgresConnectionRegistry(pool),
    sender: new ApiGatewayConnectionSender(
      createApiGatewayManagementClient({ region: config.region, endpoint: config.dashboardEndpoint }),
    ),
    logger,
    metrics,
    concurrency: config.concurrency,
  }),
  logger,
  metrics,
});
