/** Composition root of the dead-letter replay: config -> SQS reader, stream producer -> replay. */
import { createSqsClient, SqsDeadLetterReader } from '@geqo/shared/adapters/sqs';
import { createObservability } from '../lib/observability.ts';
import { createStreamProducer } from '../lib/stream-producer.ts';
import { loadConfig } from './config.ts';
import { makeHandler } from './make-handler.ts';
import { SqsDeadLetterQueue } from './sqs-dead-letter-queue.ts';

export { makeHandler };

const config = loadConfig(process.env);
const { logger, metrics } = createObservability('dlq-replay', config.logLevel);
const sqs = createSqsClient({
  region: config.stream.region,
  ...(config.sqsEndpoint ? { endpoint: config.sqsEndpoint } : {}),
});

export const handler = makeHandler({
  queue: new SqsDeadLetterQueue(new SqsDeadLetterReader(sqs, config.deadLetterQueueUrl), logger),
  producer: await createStreamProducer(config.stream, 'geqo-dlq-replay'),
  stream: config.rawStream,
  logger,
  metrics,
});
