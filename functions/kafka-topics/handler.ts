/** Composition root of the Kafka topics custom resource: config -> admin client -> handler. */

import { kafkaConnectionOptions } from '@geqo/shared/adapters/kafka';
import { Admin } from '@platformatic/kafka';
import { createObservability } from '../lib/observability.ts';
import { loadConfig } from './config.ts';
import { makeHandler } from './make-handler.ts';
import { platformaticTopicAdmin } from './topic-admin.ts';

export { makeHandler };

const config = loadConfig(process.env);
const { logger } = createObservability('kafka-topics', config.logLevel);
const admin = new Admin({
  clientId: 'geqo-kafka-topics',
  bootstrapBrokers: config.brokers,
  ...kafkaConnectionOptions(config.iamAuth ? { region: config.region } : undefined),
});

export const handler = makeHandler({
  admin: platformaticTopicAdmin(admin, config.replicas),
  topics: config.topics,
  logger,
});
