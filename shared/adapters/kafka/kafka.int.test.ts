import { Admin } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/helpers/database.ts';
import { type KafkaBroker, startKafkaBroker } from '../../../test/services/kafka-broker.ts';
import { pollUntil, recordsFor } from '../../../test/services/stream-records.ts';
import { uniqueName } from '../../../test/services/unique-name.ts';
import {
  type ConsumedRecord,
  type PartitionsCheckpoint,
  PartitionsReassignedError,
} from '../../ports/index.ts';
import {
  commitPositionsStatement,
  createPool,
  migrate,
  PostgresPartitionOwnership,
} from '../postgres/index.ts';
import { KafkaStreamConsumer, KafkaStreamProducer } from './index.ts';

const text = new TextDecoder();

const position = (record: ConsumedRecord) => `${record.shard}/${record.position}`;

describe('Kafka adapters against a real Kafka 4 broker', () => {
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

  /** A fresh topic with `partitions` partitions. */
  async function createTopic(partitions: number): Promise<string> {
    const topic = uniqueName('raw-game-events');
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
    return topic;
  }

  it('reads back what the producer wrote, keyed by server id, in order per server', async () => {
    // Prepare
    const topic = await createTopic(3);
    const keys = ['server-1', 'server-2', 'server-3', 'server-4', 'server-5'];
    const records = recordsFor(keys, 90);
    const producer = new KafkaStreamProducer({ brokers: broker.brokers });
    const consumer = new KafkaStreamConsumer({
      brokers: broker.brokers,
      stream: topic,
      group: uniqueName('worker'),
    });

    // Act: three puts, as three ingest batches would be.
    for (let i = 0; i < records.length; i += 30) await producer.put(topic, records.slice(i, i + 30));
    const consumed = await pollUntil(consumer, records.length, { waitMs: 500 });

    // Assess
    for (const key of keys) {
      const sent = records.filter((r) => r.partitionKey === key).map((r) => text.decode(r.data));
      const mine = consumed.filter((r) => r.partitionKey === key);
      expect(mine.map((r) => text.decode(r.data))).toEqual(sent);
      expect(new Set(mine.map((r) => r.shard)).size).toBe(1);
    }
    expect(new Set(consumed.map((r) => r.shard)).size).toBeGreaterThan(1);
    expect(consumed[0]!.shard).toMatch(new RegExp(`^${topic}-[0-2]$`));
    expect(consumed[0]!.stream).toBe(topic);
    expect(Math.abs(consumed[0]!.arrivedAt - Date.now())).toBeLessThan(60_000);
    await consumer.close();
    await producer.close();
  });

  it('commits through the group, rewinds to the last commit, and a new member resumes after it', async () => {
    // Prepare
    const topic = await createTopic(2);
    const group = uniqueName('worker');
    const producer = new KafkaStreamProducer({ brokers: broker.brokers });
    await producer.put(topic, recordsFor(['server-1', 'server-2', 'server-3'], 30));
    const consumer = new KafkaStreamConsumer({ brokers: broker.brokers, stream: topic, group });
    const firstPass = await pollUntil(consumer, 30, { waitMs: 500 });
    const uncommitted = firstPass.slice(20).map(position).sort();

    // Act
    await consumer.commit(firstPass[19]!);
    consumer.rewind();
    const afterRewind = await pollUntil(consumer, 10, { waitMs: 500 });
    const nothingMore = await consumer.poll(100, 500);
    const committed = await consumer.committedOffsets();
    await consumer.close();
    const resumed = new KafkaStreamConsumer({ brokers: broker.brokers, stream: topic, group });
    const afterRestart = await pollUntil(resumed, 10, { waitMs: 500 });

    // Assess: exactly the 10 records after the commit come again, whatever their partition.
    expect(afterRewind.map(position).sort()).toEqual(uncommitted);
    expect(nothingMore).toEqual([]);
    expect(afterRestart.map(position).sort()).toEqual(uncommitted);
    // Committed = the next offset to read: the count read from that partition, or -1 for none.
    const nextOffset = (partition: number) => {
      const read = firstPass.slice(0, 20).filter((r) => r.shard === `${topic}-${partition}`).length;
      return read === 0 ? -1n : BigInt(read);
    };
    expect(committed).toEqual([nextOffset(0), nextOffset(1)]);
    await resumed.close();
    await producer.close();
  });

  it('in fenced mode seeks to the offsets stored in PostgreSQL, and after a rebalance hands out nothing until rewound', async () => {
    // Prepare: A (fenced) reads 40 records of two partitions; their offsets are stored, as a
    // worker's batch stores them; then 20 more records come.
    const topic = await createTopic(2);
    const group = uniqueName('worker');
    const database = await createTestDatabase();
    const pool = createPool(database.url);
    await migrate(pool);
    const fenced = (owner: string) =>
      new KafkaStreamConsumer({
        brokers: broker.brokers,
        stream: topic,
        group,
        owner,
        heartbeatIntervalMs: 300,
        ownership: new PostgresPartitionOwnership(pool),
      });
    const producer = new KafkaStreamProducer({ brokers: broker.brokers });
    const keys = ['server-1', 'server-2', 'server-3', 'server-4', 'server-5'];
    await producer.put(topic, recordsFor(keys, 40));
    const a = fenced('worker-a');
    const firstPass = await pollUntil(a, 40, { waitMs: 500 });
    const checkpoint = a.checkpointFor(firstPass.at(-1)!);
    await pool.query(commitPositionsStatement(checkpoint as PartitionsCheckpoint));
    await producer.put(topic, recordsFor(keys, 20));

    // Act: B joins the group; A polls on until it is told of the rebalance, then rewinds.
    const b = fenced('worker-b');
    const bReading = pollUntil(b, 1, { waitMs: 500 }).catch((error: unknown) => error);
    let told: unknown;
    for (const deadline = Date.now() + 30_000; told === undefined && Date.now() < deadline; )
      await a.poll(100, 200).catch((error: unknown) => {
        told = error;
      });
    a.rewind();
    const afterRebalance = [...((await bReading) as ConsumedRecord[])];
    for (const deadline = Date.now() + 10_000; afterRebalance.length < 20 && Date.now() < deadline; )
      afterRebalance.push(...(await a.poll(100, 200)), ...(await b.poll(100, 200)));

    // Assess: A's checkpoint named both partitions under epoch 1; A was told; between them, A and
    // B read exactly the 20 new records, each partition from its stored offset, under epoch 2.
    expect(told).toBeInstanceOf(PartitionsReassignedError);
    expect(checkpoint).toMatchObject({
      stream: topic,
      consumer: group,
      partitions: [
        { partition: expect.any(Number), epoch: 1 },
        { partition: expect.any(Number), epoch: 1 },
      ],
    });
    const stored = new Map(
      (checkpoint as PartitionsCheckpoint).partitions.map((p) => [p.partition, p.nextOffset]),
    );
    expect(afterRebalance).toHaveLength(20);
    for (const record of afterRebalance) {
      const partition = Number(record.shard.slice(record.shard.lastIndexOf('-') + 1));
      expect(BigInt(record.position)).toBeGreaterThanOrEqual(BigInt(stored.get(partition) ?? '0'));
    }
    const owners = await pool.query(
      'SELECT partition_id, epoch, owner FROM partition_owners WHERE topic = $1 ORDER BY partition_id',
      [topic],
    );
    expect(owners.rows.map((row) => row.epoch)).toEqual([2, 2]);
    expect(new Set(owners.rows.map((row) => row.owner))).toEqual(new Set(['worker-a', 'worker-b']));
    await Promise.all([a.close(), b.close(), producer.close()]);
    await pool.end();
    await database.drop();
  });

  it('rejects a put to a missing topic with a PipelineError', async () => {
    // Prepare
    const producer = new KafkaStreamProducer({ brokers: broker.brokers, timeoutMs: 3_000 });

    // Act
    const outcome = producer.put(uniqueName('no-such-topic'), [
      { partitionKey: 's', data: new Uint8Array([1]) },
    ]);

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'PipelineError', code: 'STREAM_WRITE' });
    await producer.close();
  });
});
