import { Admin } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KafkaBroker, startKafkaBroker } from '../../../test/services/kafka-broker.ts';
import { uniqueName } from '../../../test/services/unique-name.ts';
import type { ConsumedRecord } from '../../ports/index.ts';
import { KafkaLiveConsumer, KafkaStreamProducer } from './index.ts';

const text = new TextDecoder();

async function readUntil(consumer: KafkaLiveConsumer, count: number): Promise<ConsumedRecord[]> {
  const records: ConsumedRecord[] = [];
  const deadline = Date.now() + 20_000;
  while (records.length < count && Date.now() < deadline) records.push(...(await consumer.poll(100, 200)));
  return records;
}

describe('KafkaLiveConsumer against a real Kafka 4 broker', () => {
  let broker: KafkaBroker;

  beforeAll(async () => {
    broker = await startKafkaBroker();
  });

  afterAll(async () => {
    await broker?.stop();
  });

  it('gives every reader every message put after its start, none from before, across partitions', async () => {
    // Prepare: a topic of three partitions with messages already on it.
    const topic = uniqueName('processed-game-events');
    const admin = new Admin({ clientId: 'geqo-test-admin', bootstrapBrokers: broker.brokers });
    await admin.createTopics({ topics: [topic], partitions: 3, replicas: 1 });
    await admin.close();
    const producer = new KafkaStreamProducer({ brokers: broker.brokers });
    const put = (names: string[]) =>
      producer.put(
        topic,
        names.map((name) => ({ partitionKey: name, data: new TextEncoder().encode(name) })),
      );
    await put(['old-1', 'old-2', 'old-3']);
    const readers = [1, 2].map(
      () => new KafkaLiveConsumer({ brokers: broker.brokers, stream: topic, groupPrefix: 'geqo-test-live' }),
    );
    try {
      // Act
      await Promise.all(readers.map((reader) => reader.start()));
      const fresh = Array.from({ length: 12 }, (_, i) => `match-${i}`);
      await put(fresh);

      // Assess: each reader (a group of its own) has all twelve, and nothing older.
      expect(new Set(readers.map((reader) => reader.group)).size).toBe(2);
      for (const reader of readers) {
        const records = await readUntil(reader, fresh.length);
        expect(records.map((record) => text.decode(record.data)).sort()).toEqual([...fresh].sort());
        expect(new Set(records.map((record) => record.shard)).size).toBeGreaterThan(1);
        expect(await reader.poll(10, 300)).toEqual([]);
      }
    } finally {
      for (const reader of readers) await reader.close();
      await producer.close();
    }
  });
});
