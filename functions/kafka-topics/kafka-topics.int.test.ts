/**
 * The Kafka topics custom resource against a real Kafka 4 broker (auto-creation off, as on MSK):
 * it creates each missing topic with its partition count, leaves existing ones, keeps them on delete.
 */
import { Admin } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KafkaBroker, startKafkaBroker } from '../../test/services/kafka-broker.ts';
import { uniqueName } from '../../test/services/unique-name.ts';
import { RecordingLogger } from '../test/doubles.ts';
import { loadConfig } from './config.ts';
import { makeHandler } from './make-handler.ts';
import { platformaticTopicAdmin } from './topic-admin.ts';

describe('kafka-topics custom resource on a real broker', () => {
  let broker: KafkaBroker;
  let admin: Admin;

  beforeAll(async () => {
    broker = await startKafkaBroker();
    admin = new Admin({ clientId: 'geqo-test-topics', bootstrapBrokers: broker.brokers });
  });

  afterAll(async () => {
    await admin?.close();
    await broker?.stop();
  });

  it('creates the missing topics with their partition counts, once, and keeps them on delete', async () => {
    // Prepare
    const raw = uniqueName('geqo-test-raw-game-events');
    const processed = uniqueName('geqo-test-processed-game-events');
    const config = loadConfig({
      AWS_REGION: 'eu-west-1',
      KAFKA_BROKERS: broker.brokers.join(','),
      KAFKA_IAM_AUTH: 'false',
      KAFKA_TOPICS: `${raw}:6,${processed}:3`,
      KAFKA_TOPIC_REPLICAS: '1',
    });
    const handler = makeHandler({
      admin: platformaticTopicAdmin(admin, config.replicas),
      topics: config.topics,
      logger: new RecordingLogger(),
    });
    // Act
    const created = await handler({ RequestType: 'Create' });
    const updated = await handler({ RequestType: 'Update', PhysicalResourceId: created.PhysicalResourceId });
    const deleted = await handler({ RequestType: 'Delete', PhysicalResourceId: created.PhysicalResourceId });
    // Assess
    expect(created.Data).toEqual({ created: `${raw},${processed}` });
    expect(updated.Data).toEqual({ created: '' });
    expect(deleted.PhysicalResourceId).toBe(created.PhysicalResourceId);
    const metadata = await admin.metadata({ topics: [raw, processed] });
    expect(metadata.topics.get(raw)?.partitionsCount).toBe(6);
    expect(metadata.topics.get(processed)?.partitionsCount).toBe(3);
  });

  it('names every bad KAFKA_TOPICS entry', async () => {
    expect(() =>
      loadConfig({ AWS_REGION: 'eu-west-1', KAFKA_BROKERS: 'b:9098', KAFKA_TOPICS: 'a:0,b,c:12' }),
    ).toThrow(/"a:0" is not name:partitions.*"b" is not name:partitions/);
  });
});
