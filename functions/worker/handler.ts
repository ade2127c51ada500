/**
 * Composition root of the worker: config -> pool, stream producer, SQS client -> event store,
 * dead-letter sink -> GameEventWorker. Server states are reloaded from their snapshots every
 * batch (`cacheStates: false`): another instance may have moved a server on since.
 */
import { PostgresEventStore } from '@geqo/shared/adapters/postgres';
import { createSqsClient, SqsDeadLetterSink } from '@geqo/shared/adapters/sqs';
import { GameEventWorker, matchEngineDriver } from '@geqo/shared/app/worker';
import { createLambdaPool } from '../lib/database.ts';
import { createObservability } from '../lib/observability.ts';
import { credentialsFromEnv } from '../lib/rds-auth-token.ts';
import { createStreamProducer } from '../lib/stream-producer.ts';
import { loadConfig } from './config.ts';
import { makeHandler } from './make-handler.ts';

export { makeHandler };

const config = loadConfig(process.env);
const { logger, metrics } = createObservability('worker', config.logLevel);
const pool = createLambdaPool(config.database, {
  applicationName: 'geqo-worker',
  credentials: () => credentialsFromEnv(process.env),
});
const sqs = createSqsClient({
  region: config.stream.region,
  ...(config.sqsEndpoint ? { endpoint: config.sqsEndpoint } : {}),
});

export const handler = makeHandler({
  worker: new GameEventWorker({
    store: new PostgresEventStore(pool),
    engine: matchEngineDriver,
    logger,
    metrics,
    processed: {
      producer: await createStreamProducer(config.stream, 'geqo-worker'),
      stream: config.processedStream,
    },
    deadLetters: new SqsDeadLetterSink(sqs, config.deadLetterQueueUrl),
    cacheStates: false,
  }),
  logger,
  metrics,
});
