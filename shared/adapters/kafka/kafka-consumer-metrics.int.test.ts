import { Admin } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KafkaBroker, startKafkaBroker } from '../../../test/services/kafka-broker.ts';
import { pollUntil, recordsFor } from '../../../test/services/stream-records.ts';
import { uniqueName } from '../../../test/services/unique-name.ts';
import { PrometheusMetrics } from '../metrics/index.ts';
import { KafkaStreamConsumer, KafkaStreamProducer } from './index.ts';

/** The value of one sample in the `/metrics` text, or undefined when it is not there. */
async function sample(metrics: PrometheusMetrics, name: string, labels: string): Promise<number | undefined> {
  const line = (await metrics.text()).split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Polls `read` until it gives `wanted` (or fails after 20 s, saying what it saw last). */
async function eventually(read: () => Promise<number | undefined>, wanted: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  let seen = await read();
  while (seen !== wanted) {
    if (Date.now() > deadline) throw new Error(`expected ${wanted}, still ${String(seen)} after 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    seen = await read();
  }
}

describe('Kafka consumer lag and rebalance metrics against a real Kafka 4 broker', () => {
  let broker: KafkaBroker;
  let admin: Admin;

  beforeAll(async () => {
    broker = await startKafkaBroker();
    admin = new Admin({ clientId: 'geqo-test-admin', bootstrapBrokers: broker.brokers });
  });

  afterAll(async () => {
    await admin?.close();
    await broker?.stop();
  });

  it('reports a partition lag of 40 after 50 records were written and 10 consumed and committed', async () => {
    // Prepare
    const topic = uniqueName('raw-game-events');
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    const producer = new KafkaStreamProducer({ brokers: broker.brokers });
    await producer.put(topic, recordsFor(['server-1'], 50));
    const metrics = new PrometheusMetrics();
    const consumer = new KafkaStreamConsumer({
      brokers: broker.brokers,
      stream: topic,
      group: uniqueName('worker'),
      metrics,
      lagRefreshMs: 200,
    });
    const lag = () => sample(metrics, 'geqo_stream_consumer_lag_records', `stream="${topic}",partition="0"`);

    // Act: before any commit all 50 are lag; then 10 are read and committed.
    const firstTen = await pollUntil(consumer, 10);
    await eventually(lag, 50);
    await consumer.commit(firstTen[9]!);

    // Assess
    expect(firstTen.map((record) => record.position)).toEqual(
      Array.from({ length: 10 }, (_, i) => String(i)),
    );
    await eventually(lag, 40);
    await consumer.close();
    await producer.close();
  });

  it('counts a rebalance when a second consumer joins the group', async () => {
    // Prepare
    const topic = uniqueName('raw-game-events');
    const group = uniqueName('worker');
    await admin.createTopics({ topics: [topic], partitions: 2, replicas: 1 });
    const [firstMetrics, secondMetrics] = [new PrometheusMetrics(), new PrometheusMetrics()];
    const first = new KafkaStreamConsumer({
      brokers: broker.brokers,
      stream: topic,
      group,
      metrics: firstMetrics,
    });
    const second = new KafkaStreamConsumer({
      brokers: broker.brokers,
      stream: topic,
      group,
      metrics: secondMetrics,
    });
    const rebalances = (metrics: PrometheusMetrics) => () =>
      sample(metrics, 'geqo_stream_rebalances_total', `stream="${topic}"`);
    await first.poll(1, 0);
    await eventually(rebalances(firstMetrics), 1);

    // Act
    await second.poll(1, 0);

    // Assess: the first member joined again with its share of the partitions.
    await eventually(rebalances(firstMetrics), 2);
    await eventually(rebalances(secondMetrics), 1);
    await second.close();
    await first.close();
  });
});
