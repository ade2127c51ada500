/**
 * `EventSourcePoller` against kinesis-local and local-aws-sqs: real shards, iterators and
 * sequence numbers, and a real on-failure queue. The mapping's rules in detail are unit-tested
 * in `event-source-batch.test.ts`.
 */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KinesisEvent } from '../../functions/lib/stream-event.ts';
import { createKinesisClient } from '../../shared/adapters/kinesis/index.ts';
import { createSqsClient } from '../../shared/adapters/sqs/index.ts';
import type { KinesisOnFailureRecord } from './event-source-batch.ts';
import { EventSourcePoller, laneOf } from './event-source-poller.ts';
import type { KinesisLocal } from './kinesis-local.ts';
import { startKinesisLocal } from './kinesis-local.ts';
import { type SqsLocal, startSqsLocal } from './sqs-local.ts';
import { SqsOnFailureDestination } from './sqs-on-failure-destination.ts';
import { uniqueName } from './unique-name.ts';

let kinesis: KinesisLocal | undefined;
let sqs: SqsLocal | undefined;
let kinesisClient: KinesisClient;
let sqsClient: SQSClient;
const pollers: EventSourcePoller[] = [];

beforeAll(async () => {
  [kinesis, sqs] = await Promise.all([startKinesisLocal(), startSqsLocal()]);
  kinesisClient = createKinesisClient({ region: kinesis.region, endpoint: kinesis.endpoint });
  sqsClient = createSqsClient({ region: sqs.region, endpoint: sqs.endpoint });
});

afterAll(async () => {
  await Promise.all(pollers.map((poller) => poller.stop()));
  kinesisClient?.destroy();
  sqsClient?.destroy();
  await Promise.all([kinesis?.stop(), sqs?.stop()]);
});

const text = (data: string) => Buffer.from(data, 'base64').toString('utf8');

/** Puts `label` keyed by `key`; returns its sequence number. */
async function put(stream: string, key: string, label: string): Promise<string> {
  const output = await kinesisClient.send(
    new PutRecordCommand({ StreamName: stream, PartitionKey: key, Data: new TextEncoder().encode(label) }),
  );
  return output.SequenceNumber ?? '';
}

/** A function that fails whenever its batch holds `poison` and remembers what it handled. */
function poisonedFunction(poison: string) {
  const handled: { key: string; label: string }[] = [];
  const handler = async (event: KinesisEvent) => {
    const records = event.Records.map((record) => ({
      key: record.kinesis.partitionKey,
      label: text(record.kinesis.data),
    }));
    if (records.some((record) => record.label === poison)) throw new Error(`cannot handle ${poison}`);
    handled.push(...records);
    return { batchItemFailures: [] };
  };
  return { handler, handled };
}

describe('EventSourcePoller on kinesis-local', () => {
  it('isolates a poison record by bisecting, records its batch metadata on SQS and moves on', async () => {
    // Prepare: 24 records over three keys on two shards, one of them poison.
    const stream = uniqueName('raw-game-events');
    await kinesis!.createStream(stream, 2);
    const queueUrl = await sqs!.createQueue(uniqueName('batch-failures'));
    const keys = ['srv_a', 'srv_b', 'srv_c'];
    const sent: { key: string; label: string }[] = [];
    let poisonSequence = '';
    for (let i = 0; i < 24; i += 1) {
      const key = keys[i % keys.length]!;
      const label = i === 13 ? 'poison' : `${key}:${i}`;
      const sequence = await put(stream, key, label);
      if (label === 'poison') poisonSequence = sequence;
      else sent.push({ key, label });
    }
    const fn = poisonedFunction('poison');
    const poller = new EventSourcePoller({
      client: kinesisClient,
      stream,
      handler: fn.handler,
      functionName: 'geqo-worker',
      batchSize: 8,
      bisectBatchOnFunctionError: true,
      reportBatchItemFailures: true,
      maximumRetryAttempts: 1,
      onFailure: new SqsOnFailureDestination(sqsClient, queueUrl),
      pollIntervalMs: 50,
      retryDelayMs: 10,
    });
    pollers.push(poller);

    // Act
    await poller.start();
    await poller.waitUntilCaughtUp();
    const deadline = Date.now() + 20_000;
    while (fn.handled.length < sent.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await poller.waitUntilCaughtUp();
    const { Messages = [] } = await sqsClient.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );

    // Assess: every other record handled once, in order per key.
    for (const key of keys) {
      expect(fn.handled.filter((record) => record.key === key)).toEqual(
        sent.filter((record) => record.key === key),
      );
    }
    expect(Messages).toHaveLength(1);
    const discarded = JSON.parse(Messages[0]!.Body!) as KinesisOnFailureRecord;
    expect(discarded.requestContext).toMatchObject({
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 2,
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:geqo-worker',
    });
    expect(discarded.KinesisBatchInfo).toMatchObject({
      startSequenceNumber: poisonSequence,
      endSequenceNumber: poisonSequence,
      batchSize: 1,
      streamArn: poller.eventSourceArn,
    });
    expect(Messages[0]!.Body).not.toContain(Buffer.from('poison').toString('base64'));
    expect(poller.stats).toMatchObject({ discardedBatches: 1, discardedRecords: 1, retries: 1 });
    expect(poller.stats.bisections).toBeGreaterThanOrEqual(1);
    expect(poller.errors).toEqual([]);

    // Each shard's checkpoint is its last record: a consumer resuming there gets nothing.
    expect(poller.checkpoints.size).toBe(2);
    for (const [shardId, checkpoint] of poller.checkpoints) {
      const { ShardIterator } = await kinesisClient.send(
        new GetShardIteratorCommand({
          StreamName: stream,
          ShardId: shardId,
          ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
          StartingSequenceNumber: checkpoint,
        }),
      );
      const { Records = [] } = await kinesisClient.send(new GetRecordsCommand({ ShardIterator }));
      expect(Records).toEqual([]);
    }
  });

  it('starting at LATEST hands over only what was put after start()', async () => {
    // Prepare
    const stream = uniqueName('processed-game-events');
    await kinesis!.createStream(stream, 1);
    await put(stream, 'matches', 'before');
    const fn = poisonedFunction('never');
    const poller = new EventSourcePoller({
      client: kinesisClient,
      stream,
      handler: fn.handler,
      startingPosition: 'LATEST',
      pollIntervalMs: 50,
    });
    pollers.push(poller);

    // Act
    await poller.start();
    await put(stream, 'matches', 'after');
    const deadline = Date.now() + 10_000;
    while (fn.handled.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await poller.waitUntilCaughtUp();

    // Assess
    expect(fn.handled.map((record) => record.label)).toEqual(['after']);
  });

  it('holds a short batch for up to MaximumBatchingWindowInSeconds and hands over what came meanwhile in one invocation', async () => {
    // Prepare: a mapping with a one-second window; one record, then two more 300 ms later.
    const stream = uniqueName('raw-game-events');
    await kinesis!.createStream(stream, 1);
    const batches: string[][] = [];
    const poller = new EventSourcePoller({
      client: kinesisClient,
      stream,
      handler: async (event) => {
        batches.push(event.Records.map((record) => text(record.kinesis.data)));
        return { batchItemFailures: [] };
      },
      maximumBatchingWindowInSeconds: 1,
      pollIntervalMs: 50,
    });
    pollers.push(poller);
    await poller.start();

    // Act
    await put(stream, 'srv_a', 'first');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await put(stream, 'srv_a', 'second');
    await put(stream, 'srv_a', 'third');
    const deadline = Date.now() + 10_000;
    while (batches.flat().length < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    // Assess
    expect(batches).toEqual([['first', 'second', 'third']]);
  });

  it('with ParallelizationFactor 2 invokes the lanes of a shard at once, each partition key in order', async () => {
    // Prepare: two keys in different lanes, three records each, and a function that takes its time.
    const stream = uniqueName('raw-game-events');
    await kinesis!.createStream(stream, 1);
    const first = 'srv_lane_a';
    const second = ['srv_lane_b', 'srv_lane_c', 'srv_lane_d', 'srv_lane_e'].find(
      (key) => laneOf(key, 2) !== laneOf(first, 2),
    )!;
    for (let i = 0; i < 3; i += 1) {
      await put(stream, first, `${first}:${i}`);
      await put(stream, second, `${second}:${i}`);
    }
    let running = 0;
    let mostAtOnce = 0;
    const handled: string[] = [];
    const poller = new EventSourcePoller({
      client: kinesisClient,
      stream,
      handler: async (event) => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        await new Promise((resolve) => setTimeout(resolve, 200));
        handled.push(...event.Records.map((record) => text(record.kinesis.data)));
        running -= 1;
        return { batchItemFailures: [] };
      },
      parallelizationFactor: 2,
      pollIntervalMs: 50,
    });
    pollers.push(poller);

    // Act
    await poller.start();
    const deadline = Date.now() + 10_000;
    while (handled.length < 6 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await poller.waitUntilCaughtUp();

    // Assess
    expect(mostAtOnce).toBe(2);
    for (const key of [first, second]) {
      expect(handled.filter((label) => label.startsWith(`${key}:`))).toEqual(
        [0, 1, 2].map((i) => `${key}:${i}`),
      );
    }
  });
});
