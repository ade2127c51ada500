/**
 * The AWS wiring end to end, on local stand-ins (DESIGN.md sections 2 and 9): the real Lambda
 * handlers with the real adapters, ingest -> Kinesis (kinesis-local) -> worker -> PostgreSQL and
 * processed stream -> broadcaster -> Management API (`geqo up`'s `POST /@connections/{id}`) -> a
 * real dashboard WebSocket client. The stream functions are invoked by `EventSourcePoller`, which
 * behaves like the event source mappings `infra/` declares; poison records go to SQS
 * (local-aws-sqs) with their payload and reason.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { pack } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardClient } from '../../cli/src/dashboard-client.ts';
import { planFrames } from '../../cli/src/replay/frame-batcher.ts';
import { readAllEvents } from '../../cli/src/replay/read-events.ts';
import type { KinesisEvent } from '../../functions/lib/stream-event.ts';
import { wsConnectEvent, wsMessageEvent } from '../../functions/test/factories.ts';
import { type RuntimeProcess, startRuntimeProcess } from '../../local/src/process/runtime-process.ts';
import { createKinesisClient } from '../../shared/adapters/kinesis/index.ts';
import { createPool, migrate } from '../../shared/adapters/postgres/index.ts';
import {
  createSqsClient,
  type ReceivedDeadLetter,
  SqsDeadLetterReader,
} from '../../shared/adapters/sqs/index.ts';
import { fromStoredForm } from '../../shared/domain/events/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { countEvents, storedEvents, waitForCount } from '../helpers/stored-events.ts';
import { EventSourcePoller } from '../services/event-source-poller.ts';
import type { KinesisLocal } from '../services/kinesis-local.ts';
import { startKinesisLocal } from '../services/kinesis-local.ts';
import { type SqsLocal, startSqsLocal } from '../services/sqs-local.ts';
import { SqsOnFailureDestination } from '../services/sqs-on-failure-destination.ts';
import { uniqueName } from '../services/unique-name.ts';
import { buildPipelineFunctions, type PipelineFunctions } from './pipeline-functions.ts';

const MATCH = resolve('../shared/fixtures/matches/2026-02-09_de_nuke_FURIA_2-13_Team_Vitality.jsonl');

/** A real Lambda Kinesis event (aws-lambda-go's sample), to compare the poller's events with. */
const KINESIS_SAMPLE = JSON.parse(
  readFileSync(resolve('../shared/fixtures/aws-lambda-events/aws-lambda-go_kinesis-event.json'), 'utf8'),
) as KinesisEvent;

/** A value's fields and their JSON types, recursively: what two events must share to look alike. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, shapeOf(field)]));
  return typeof value;
}

const names = {
  raw: uniqueName('raw-game-events'),
  processed: uniqueName('processed-game-events'),
  deadLetters: uniqueName('raw-game-events-dlq'),
  batchFailures: uniqueName('raw-game-events-batch-failures'),
};

let kinesis: KinesisLocal | undefined;
let sqs: SqsLocal | undefined;
let database: TestDatabase | undefined;
let runtimeDatabase: TestDatabase | undefined;
let runtime: RuntimeProcess | undefined;
let kinesisClient: KinesisClient | undefined;
let sqsClient: SQSClient | undefined;
let functions: PipelineFunctions | undefined;
let queues: { deadLetters: string; batchFailures: string };
const pollers: EventSourcePoller[] = [];
const dashboards: DashboardClient[] = [];

beforeAll(async () => {
  // Every stand-in starts at once, each on ports it bound itself and under unique names.
  const started = await Promise.allSettled([
    startKinesisLocal().then((value) => (kinesis = value)),
    startSqsLocal().then((value) => (sqs = value)),
    createTestDatabase('geqo_aws_e2e').then((value) => (database = value)),
    createTestDatabase('geqo_aws_runtime')
      .then((value) => (runtimeDatabase = value))
      .then((value) => startRuntimeProcess({ databaseUrl: value.url }))
      .then((value) => (runtime = value)),
  ]);
  const failed = started.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  const [kinesisLocal, sqsLocal, db] = [kinesis!, sqs!, database!];
  kinesisClient = createKinesisClient({ region: kinesisLocal.region, endpoint: kinesisLocal.endpoint });
  sqsClient = createSqsClient({ region: sqsLocal.region, endpoint: sqsLocal.endpoint });
  const pool = createPool(db.url, { max: 1 });
  const [deadLetters, batchFailures] = await Promise.all([
    sqsLocal.createQueue(names.deadLetters),
    sqsLocal.createQueue(names.batchFailures),
    kinesisLocal.createStream(names.raw, 1),
    kinesisLocal.createStream(names.processed, 2),
    migrate(pool).finally(() => pool.end()),
  ]);
  queues = { deadLetters, batchFailures };
  functions = buildPipelineFunctions({
    region: kinesisLocal.region,
    kinesisEndpoint: kinesisLocal.endpoint,
    sqsEndpoint: sqsLocal.endpoint,
    databaseUrl: db.url,
    dashboardEndpoint: `http://127.0.0.1:${runtime!.httpPort}`,
    rawStream: names.raw,
    processedStream: names.processed,
    deadLetterQueueUrl: deadLetters,
  });
});

afterAll(async () => {
  // Consumers first, so nothing is invoked on a closed client; then every process and database.
  await Promise.all(pollers.map((poller) => poller.stop()));
  for (const dashboard of dashboards) dashboard.close();
  await functions?.close();
  kinesisClient?.destroy();
  sqsClient?.destroy();
  const runtimeExit = await runtime?.stop();
  await Promise.all([kinesis?.stop(), sqs?.stop(), database?.drop(), runtimeDatabase?.drop()]);
  expect(runtimeExit ?? 0).toBe(0);
});

/**
 * Frames a plugin has in flight at once. API Gateway invokes the ingest function for each message
 * as it comes; here the invocations share one instance, whose producer sends the frames of a
 * window in one PutRecords, in the order they were given (kinesis-local takes tens of ms a call).
 */
const INGEST_WINDOW = 16;

/** Runs `work` on `items`, `size` at a time; results in the items' order. */
async function inWindows<T, R>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    results.push(...(await Promise.all(items.slice(start, start + size).map(work))));
  }
  return results;
}

/** Receives from a queue until `count` messages came, or `timeoutMs` passed. */
async function receive(queueUrl: string, count: number, timeoutMs: number): Promise<ReceivedDeadLetter[]> {
  const reader = new SqsDeadLetterReader(sqsClient!, queueUrl);
  const received: ReceivedDeadLetter[] = [];
  const deadline = Date.now() + timeoutMs;
  do {
    received.push(...(await reader.receive({ waitSeconds: 0, visibilityTimeoutSeconds: 60 })));
    if (received.length >= count) break;
    await new Promise((r) => setTimeout(r, 100));
  } while (Date.now() < deadline);
  return received;
}

/** The records of a shard after `sequenceNumber` (what a consumer resuming there would get). */
async function recordsAfter(stream: string, shardId: string, sequenceNumber: string) {
  const { ShardIterator } = await kinesisClient!.send(
    new GetShardIteratorCommand({
      StreamName: stream,
      ShardId: shardId,
      ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
      StartingSequenceNumber: sequenceNumber,
    }),
  );
  const { Records } = await kinesisClient!.send(new GetRecordsCommand({ ShardIterator }));
  return Records ?? [];
}

describe('the AWS pipeline on local stand-ins', () => {
  it('carries a match from ingest through Kinesis, the worker and the broadcaster to a live dashboard', async () => {
    // Prepare: the match as a plugin frames it, a dashboard on geqo up's /ws following the match
    // list through the dashboard-ws function, and both event source mappings polling.
    const fns = functions!;
    const serverId = `srv_${randomBytes(6).toString('hex')}`;
    const events = await readAllEvents(MATCH);
    const frames = planFrames(events, { server: serverId, session: 'aws-e2e' });
    const dashboard = await DashboardClient.connect(runtime!.httpPort);
    dashboards.push(dashboard);
    const hello = await dashboard.waitFor((message) => message.type === 'hello', 10_000);
    const connectionId = String(hello.connectionId);
    const subscribe = (request: Record<string, string>) =>
      fns.dashboardWs(
        wsMessageEvent(JSON.stringify({ action: 'subscribe', ...request }), {
          connectionId,
          routeKey: 'subscribe',
        }),
      );
    expect(await fns.dashboardWs(wsConnectEvent({ connectionId }))).toEqual({ statusCode: 200 });
    expect(JSON.parse((await subscribe({ topic: 'matches' })).body!)).toEqual({
      type: 'subscribed',
      topic: 'matches',
    });

    const workerEvents: KinesisEvent[] = [];
    const worker = new EventSourcePoller({
      client: kinesisClient!,
      stream: names.raw,
      functionName: 'geqo-worker',
      handler: async (event) => {
        workerEvents.push(event);
        return fns.worker(event);
      },
      // infra's WORKER_SOURCE, with a smaller batch so the match spans several invocations.
      batchSize: 40,
      bisectBatchOnFunctionError: true,
      reportBatchItemFailures: true,
      maximumRetryAttempts: 10,
      onFailure: new SqsOnFailureDestination(sqsClient!, queues.batchFailures),
      startingPosition: 'TRIM_HORIZON',
      pollIntervalMs: 100,
      retryDelayMs: 50,
    });
    const broadcaster = new EventSourcePoller({
      client: kinesisClient!,
      stream: names.processed,
      functionName: 'geqo-broadcaster',
      handler: (event) => fns.broadcaster(event),
      // infra's BROADCASTER_SOURCE.
      batchSize: 100,
      bisectBatchOnFunctionError: false,
      reportBatchItemFailures: true,
      maximumRetryAttempts: 2,
      startingPosition: 'LATEST',
      pollIntervalMs: 100,
      retryDelayMs: 50,
    });
    pollers.push(worker, broadcaster);
    await Promise.all([worker.start(), broadcaster.start()]);

    const pluginConnection = 'plugin-connection-1';
    const authorizer = { serverId, principalId: serverId };
    const ingest = (bytes: Uint8Array) =>
      fns.ingest(
        wsMessageEvent(Buffer.from(bytes).toString('base64'), { connectionId: pluginConnection, authorizer }),
      );
    // Valid MessagePack, but not a frame: the worker can never apply it.
    const poison = pack({ v: 1, server: serverId, session: 'aws-e2e', seq: 'first', events: 'none' });
    const middle = Math.floor(frames.length / 2);

    // Act: the first frame opens the match; the dashboard then follows it; the rest of the match
    // goes through ingest with a poison record put straight on the raw stream halfway, while the
    // database refuses the worker's next commit once.
    const replies = [await ingest(frames[0]!.bytes)];
    const opened = await dashboard.waitFor((message) => message.type === 'match', 30_000);
    const matchId = String(opened.matchId);
    expect(JSON.parse((await subscribe({ matchId })).body!)).toEqual({ type: 'subscribed', topic: matchId });
    fns.workerStore.failNextCommits(1);
    replies.push(
      ...(await inWindows(frames.slice(1, middle), INGEST_WINDOW, (frame) => ingest(frame.bytes))),
    );
    const put = await kinesisClient!.send(
      new PutRecordCommand({ StreamName: names.raw, PartitionKey: serverId, Data: poison }),
    );
    const poisonSequence = put.SequenceNumber ?? '';
    replies.push(...(await inWindows(frames.slice(middle), INGEST_WINDOW, (frame) => ingest(frame.bytes))));

    // Assess: every frame acked, as API Gateway's route response would carry it back.
    expect(replies.map((reply) => JSON.parse(reply.body!))).toEqual(
      frames.map(({ frame }) => ({ type: 'ack', seq: frame.seq })),
    );

    // Every event stored exactly once, identical to the file.
    await waitForCount(() => countEvents(database!.url), events.length, 60_000);
    await worker.waitUntilCaughtUp();
    const stored = await storedEvents(database!.url);
    expect(stored).toHaveLength(events.length);
    expect(new Set(stored.map((row) => row.key)).size).toBe(events.length);
    expect(stored.map((row) => fromStoredForm(row.payload as Record<string, unknown>))).toEqual(events);
    expect(new Set(stored.map((row) => row.matchId))).toEqual(new Set([matchId]));

    // The poison record is in the dead-letter queue with its payload, position and reason.
    const letters = await receive(queues.deadLetters, 1, 10_000);
    expect(letters).toHaveLength(1);
    const letter = letters[0]!;
    if (letter.kind !== 'dead-letter') throw new Error(`not a dead letter: ${letter.problem}`);
    expect(letter.letter).toMatchObject({
      stream: names.raw,
      position: poisonSequence,
      partitionKey: serverId,
      code: 'SCHEMA',
    });
    expect(Buffer.from(letter.letter.payload)).toEqual(Buffer.from(poison));
    expect(letter.letter.reason).not.toBe('');

    // The refused commit came back as batchItemFailures and was retried; nothing was discarded.
    expect(fns.workerStore.failedCommits).toBe(1);
    expect(worker.stats.partialFailures).toBeGreaterThanOrEqual(1);
    expect(worker.stats.retries).toBeGreaterThanOrEqual(1);
    expect(worker.stats).toMatchObject({ functionErrors: 0, discardedBatches: 0 });
    expect(fns.logs.some((line) => line.message === 'batch failed; the stream will redeliver it')).toBe(true);
    expect(await receive(queues.batchFailures, 1, 300)).toEqual([]);
    expect([...worker.errors, ...broadcaster.errors]).toEqual([]);

    // The worker got events shaped as Lambda shapes them, and its checkpoint covers the stream.
    const [shardId, checkpoint] = [...worker.checkpoints][0]!;
    const firstRecord = workerEvents[0]!.Records[0]!;
    expect(firstRecord).toMatchObject({
      eventSource: 'aws:kinesis',
      eventName: 'aws:kinesis:record',
      eventSourceARN: `arn:aws:kinesis:${kinesis!.region}:000000000000:stream/${names.raw}`,
      eventID: `${shardId}:${firstRecord.kinesis.sequenceNumber}`,
      kinesis: { partitionKey: serverId, kinesisSchemaVersion: '1.0' },
    });
    expect(shapeOf(firstRecord)).toEqual(shapeOf(KINESIS_SAMPLE.Records[0]));
    expect(Buffer.from(firstRecord.kinesis.data, 'base64')).toEqual(Buffer.from(frames[0]!.bytes));
    expect(await recordsAfter(names.raw, shardId, checkpoint)).toEqual([]);

    // The dashboard received, live, every event sent after it subscribed to the match.
    const expectedLive = new Set(
      frames.slice(1).flatMap(({ frame }) => frame.events.map((_, index) => `${frame.seq}/${index}`)),
    );
    const live = () =>
      new Set(
        dashboard.messages
          .filter((message) => message.type === 'events' && message.matchId === matchId)
          .flatMap((message) => message.events as { key: [string, string, number, number] }[])
          .filter((event) => event.key[2] >= 2)
          .map((event) => `${event.key[2]}/${event.key[3]}`),
      );
    await waitForCount(async () => live().size, expectedLive.size, 30_000);
    expect(live()).toEqual(expectedLive);
    expect(broadcaster.stats.discardedBatches).toBe(0);
  });
});
