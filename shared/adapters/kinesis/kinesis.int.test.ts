import {
  type KinesisClient,
  type PutRecordsCommand,
  UpdateShardCountCommand,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KinesisLocal, startKinesisLocal } from '../../../test/services/kinesis-local.ts';
import { pollUntil, recordsFor } from '../../../test/services/stream-records.ts';
import { uniqueName } from '../../../test/services/unique-name.ts';
import type { ConsumedRecord, StreamRecord } from '../../ports/index.ts';
import {
  createKinesisClient,
  KinesisStreamConsumer,
  KinesisStreamProducer,
  MemoryKinesisCheckpoints,
  type PutRecordsClient,
} from './index.ts';

const text = new TextDecoder();

/** A client that records how many entries each PutRecords request carried. */
function countingClient(client: KinesisClient): PutRecordsClient & { requestSizes: number[] } {
  const requestSizes: number[] = [];
  return {
    requestSizes,
    send: (command: PutRecordsCommand) => {
      requestSizes.push(command.input.Records?.length ?? 0);
      return client.send(command);
    },
  };
}

describe('Kinesis adapters against kinesis-local', () => {
  let kinesis: KinesisLocal;
  let client: KinesisClient;

  beforeAll(async () => {
    kinesis = await startKinesisLocal();
    client = createKinesisClient({ endpoint: kinesis.endpoint, region: kinesis.region });
  });

  afterAll(async () => {
    client?.destroy();
    await kinesis?.stop();
  });

  it('puts more than 500 records in several requests and reads them back in order per partition key', async () => {
    // Prepare
    const stream = uniqueName('raw-game-events');
    await kinesis.createStream(stream, 2);
    const keys = ['server-a', 'server-b', 'server-c', 'server-d', 'server-e'];
    const records = recordsFor(keys, 620);
    const counting = countingClient(client);
    const producer = new KinesisStreamProducer(counting);
    const consumer = new KinesisStreamConsumer(client, { stream, consumerName: 'worker', idleDelayMs: 100 });

    // Act
    await producer.put(stream, records);
    const consumed = await pollUntil(consumer, records.length, { waitMs: 1000 });

    // Assess
    expect(counting.requestSizes).toEqual([500, 120]);
    expect(new Set(consumed.map((record) => record.shard)).size).toBeGreaterThan(1);
    for (const key of keys) {
      const sent = records.filter((r) => r.partitionKey === key).map((r) => text.decode(r.data));
      const received = consumed.filter((r) => r.partitionKey === key).map((r) => text.decode(r.data));
      expect(received).toEqual(sent);
    }
    const first = consumed[0]!;
    expect(first.stream).toBe(stream);
    expect(first.position).toMatch(/^\d+$/);
    expect(Math.abs(first.arrivedAt - Date.now())).toBeLessThan(60_000);
    await producer.close();
    await consumer.close();
  });

  it('splits a put at 5 MiB per request', async () => {
    // Prepare
    const stream = uniqueName('raw-game-events');
    await kinesis.createStream(stream, 1);
    const big = (i: number): StreamRecord => ({
      partitionKey: 'server-a',
      data: new Uint8Array(300 * 1024).fill(i),
    });
    const records = Array.from({ length: 18 }, (_, i) => big(i));
    const counting = countingClient(client);
    const producer = new KinesisStreamProducer(counting);
    const consumer = new KinesisStreamConsumer(client, { stream, consumerName: 'worker', idleDelayMs: 100 });

    // Act
    await producer.put(stream, records);
    const consumed = await pollUntil(consumer, records.length, { waitMs: 1000 });

    // Assess: 17 records of 300 KiB fit 5 MiB, the 18th does not.
    expect(counting.requestSizes).toEqual([17, 1]);
    expect(consumed.map((record) => record.data[0])).toEqual(records.map((_, i) => i));
    expect(consumed.every((record) => record.data.byteLength === 300 * 1024)).toBe(true);
  });

  it('commits across shards, rewinds to the last commit and lets a new consumer resume after it', async () => {
    // Prepare
    const stream = uniqueName('raw-game-events');
    await kinesis.createStream(stream, 2);
    const records = recordsFor(['server-a', 'server-b', 'server-c', 'server-d'], 40);
    const producer = new KinesisStreamProducer(client);
    await producer.put(stream, records);
    const checkpoints = new MemoryKinesisCheckpoints();
    const consumer = new KinesisStreamConsumer(client, {
      stream,
      consumerName: 'worker',
      checkpoints,
      idleDelayMs: 100,
    });
    const firstBatch = await pollUntil(consumer, 40, { waitMs: 1000 });
    const committedAt = firstBatch[24]!;
    const key = (record: ConsumedRecord) => `${record.shard}/${record.position}`;

    // Act
    await consumer.commit(committedAt);
    consumer.rewind();
    const afterRewind = await pollUntil(consumer, 15, { waitMs: 1000 });
    const resumed = new KinesisStreamConsumer(client, {
      stream,
      consumerName: 'worker',
      checkpoints,
      idleDelayMs: 100,
    });
    const afterRestart = await pollUntil(resumed, 15, { waitMs: 1000 });
    const nothingMore = await consumer.poll(100, 300);

    // Assess: exactly the 15 records not covered by the commit come again, in any shard interleaving.
    const uncommitted = firstBatch.slice(25).map(key).sort();
    expect(afterRewind.map(key).sort()).toEqual(uncommitted);
    expect(afterRestart.map(key).sort()).toEqual(uncommitted);
    expect(nothingMore).toEqual([]);
    expect(consumer.checkpoint.size).toBeGreaterThan(0);
    await producer.close();
  });

  it('reads a parent shard to its end before its children after a reshard', async () => {
    // Prepare: records before and after the one shard is split in two.
    const stream = uniqueName('raw-game-events');
    await kinesis.createStream(stream, 1);
    const keys = ['server-a', 'server-b', 'server-c', 'server-d'];
    const records = recordsFor(keys, 80);
    const producer = new KinesisStreamProducer(client);
    await producer.put(stream, records.slice(0, 40));
    await client.send(
      new UpdateShardCountCommand({
        StreamName: stream,
        TargetShardCount: 2,
        ScalingType: 'UNIFORM_SCALING',
      }),
    );
    await waitUntilStreamExists({ client, maxWaitTime: 30, minDelay: 1 }, { StreamName: stream });
    await producer.put(stream, records.slice(40));
    const consumer = new KinesisStreamConsumer(client, { stream, consumerName: 'worker', idleDelayMs: 100 });

    // Act
    const consumed = await pollUntil(consumer, records.length, { waitMs: 1000 });

    // Assess: every server's records in order, though they came from the parent and a child.
    expect(new Set(consumed.map((record) => record.shard)).size).toBeGreaterThan(1);
    for (const key of keys) {
      const sent = records.filter((r) => r.partitionKey === key).map((r) => text.decode(r.data));
      const received = consumed.filter((r) => r.partitionKey === key).map((r) => text.decode(r.data));
      expect(received).toEqual(sent);
    }
    await producer.close();
  });
});
