/**
 * The pipelined worker loop of `geqo up` (`WorkerPipeline`) over an in-process stream and a store
 * whose commits the test holds and releases: dashboards hear of a record before the database has
 * stored it, preparing runs ahead of a slow commit by a bounded number of records, a batch whose
 * commit starts while more records are read loses none of them, and a failed commit starts no
 * other and leaves everything to be stored once after the reset.
 */
import { silentLogger } from '@geqo/shared/adapters/logging';
import { MemoryStream } from '@geqo/shared/adapters/memory';
import { noMetrics } from '@geqo/shared/adapters/metrics';
import { GameEventWorker, matchEngineDriver } from '@geqo/shared/app/worker';
import { encodeFrame } from '@geqo/shared/domain/codec';
import type {
  ProcessedMessage,
  StreamConsumer,
  StreamProducer,
  StreamRecord,
  WorkerWrite,
} from '@geqo/shared/ports';
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import { describe, expect, it } from 'vitest';
import { CapturingStore } from '../../shared/app/worker/test-helpers.ts';
import { WorkerPipeline } from './worker-pipeline.ts';

const RAW = 'raw-game-events';
const SERVER = 'srv_pipeline0001';

/** A store that keeps what is committed, and whose commits wait while `hold` is on. */
class HeldStore extends CapturingStore {
  private held: (() => void)[] = [];
  hold = false;
  /** Commits to refuse, from the next one on. */
  refuse = 0;
  commits = 0;

  override async commit(write: WorkerWrite): Promise<void> {
    this.commits += 1;
    if (this.hold) await new Promise<void>((resolve) => this.held.push(resolve));
    if (this.refuse > 0) {
      this.refuse -= 1;
      throw new Error('the database refused the batch');
    }
    await super.commit(write);
  }

  /** What is committed. */
  get committed(): readonly WorkerWrite[] {
    return this.writes;
  }

  /** Lets the commits that wait go on, and the next ones too. */
  release(): void {
    this.hold = false;
    for (const resolve of this.held.splice(0)) resolve();
  }

  get waiting(): number {
    return this.held.length;
  }

  storedKeys(): string[] {
    return this.writes.flatMap((write) =>
      write.events.map(({ key }) => `${key.session}/${key.seq}/${key.index}`),
    );
  }
}

const EVENTS = generateSyntheticMatch({ rounds: 2, seed: 31 });

/** One match in frames of 20 events. */
function matchFrames(): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let at = 0, seq = 1; at < EVENTS.length; at += 20, seq += 1)
    frames.push(
      encodeFrame({
        v: 1,
        server: SERVER,
        session: 'boot',
        seq,
        sentAt: 0,
        events: EVENTS.slice(at, at + 20),
      }),
    );
  return frames;
}

/** Puts the match on the stream; returns its event count. */
async function putMatch(stream: MemoryStream): Promise<number> {
  await stream.put(
    RAW,
    matchFrames().map((data) => ({ partitionKey: SERVER, data })),
  );
  return EVENTS.length;
}

function setUp(options: {
  batchSize: number;
  maxAheadRecords?: number;
  maxPartRecords?: number;
  consumer?: (c: StreamConsumer) => StreamConsumer;
}) {
  const stream = new MemoryStream();
  const store = new HeldStore();
  const published: ProcessedMessage[] = [];
  const producer: StreamProducer = {
    put: async (_stream, records: readonly StreamRecord[]) => {
      for (const record of records)
        published.push(JSON.parse(Buffer.from(record.data).toString('utf8')) as ProcessedMessage);
    },
    close: async () => {},
  };
  const worker = new GameEventWorker({
    store,
    engine: matchEngineDriver,
    logger: silentLogger,
    metrics: noMetrics,
    processed: { producer, stream: 'processed', publish: 'prepared' },
    cacheStates: true,
  });
  const raw = stream.consumer(RAW, 'worker');
  const consumer = options.consumer ? options.consumer(raw) : raw;
  const pipeline = new WorkerPipeline(worker, consumer, {
    stream: RAW,
    consumerName: 'worker',
    batchSize: options.batchSize,
    checkpointInTransaction: false,
    ...(options.maxAheadRecords === undefined ? {} : { maxAheadRecords: options.maxAheadRecords }),
    ...(options.maxPartRecords === undefined ? {} : { maxPartRecords: options.maxPartRecords }),
  });
  const eventsPublished = () =>
    published.flatMap((message) => (message.type === 'events' ? message.events : [])).length;
  return { stream, store, pipeline, eventsPublished };
}

/** Whether `promise` is still pending after the event loop has had a few turns. */
async function pending(promise: Promise<unknown>): Promise<boolean> {
  const marker = Symbol('pending');
  const settled = await Promise.race([
    promise.then(
      () => null,
      () => null,
    ),
    new Promise((resolve) => setTimeout(() => resolve(marker), 50)),
  ]);
  return settled === marker;
}

describe('the pipelined worker loop', () => {
  it('tells dashboards of a record as soon as it is applied, while the database still holds its batch', async () => {
    const { stream, store, pipeline, eventsPublished } = setUp({ batchSize: 5 });
    const total = await putMatch(stream);
    store.hold = true;

    await pipeline.step();

    expect(store.waiting).toBe(1);
    expect(store.committed).toHaveLength(0);
    expect(eventsPublished()).toBeGreaterThan(0);
    store.release();
    while (store.storedKeys().length < total) await pipeline.step();
    await pipeline.flush();
    expect(new Set(store.storedKeys()).size).toBe(total);
    expect(store.storedKeys()).toHaveLength(total);
  });

  it('applies a backlog in parts of maxPartRecords, so the first part is told before the rest is applied', async () => {
    const { stream, store, pipeline, eventsPublished } = setUp({ batchSize: 40, maxPartRecords: 4 });
    const total = await putMatch(stream);
    store.hold = true;

    await pipeline.step();

    // Four records were applied and published, and their commit started; the rest waits unread.
    expect(store.waiting).toBe(1);
    expect(pipeline.recordsAhead).toBe(0);
    const firstPart = eventsPublished();
    expect(firstPart).toBeGreaterThan(0);
    await pipeline.step();
    expect(pipeline.recordsAhead).toBe(4);
    expect(eventsPublished()).toBeGreaterThan(firstPart);
    store.release();
    while (store.storedKeys().length < total) await pipeline.step();
    await pipeline.flush();
    expect(store.storedKeys()).toHaveLength(total);
    expect(store.committed[0]!.events).toHaveLength(4 * 20);
  });

  it('prepares at most maxAheadRecords past a commit the database holds, then waits for it', async () => {
    const { stream, store, pipeline, eventsPublished } = setUp({ batchSize: 2, maxAheadRecords: 6 });
    const total = await putMatch(stream);
    store.hold = true;

    await pipeline.step(); // the first batch's commit starts and is held
    const first = eventsPublished();
    for (let i = 0; i < 3; i += 1) await pipeline.step(); // three batches of two wait behind it
    expect(pipeline.recordsAhead).toBe(6);
    expect(eventsPublished()).toBeGreaterThan(first);
    const blocked = pipeline.step();
    expect(await pending(blocked)).toBe(true);
    expect(pipeline.recordsAhead).toBe(6);

    store.release();
    await blocked;
    while (store.storedKeys().length < total) await pipeline.step();
    await pipeline.flush();
    expect(store.storedKeys()).toHaveLength(total);
    expect(new Set(store.storedKeys()).size).toBe(total);
  });

  it('loses none of the records read while the batch they were to join starts its commit', async () => {
    // The poll that reads records for the waiting batch lets the commit before it end, so the
    // waiting batch's own commit starts while the poll runs: what it read makes a new batch.
    let releaseOnPoll: (() => void) | null = null;
    const { stream, store, pipeline } = setUp({
      batchSize: 10,
      consumer: (inner) => ({
        ...inner,
        poll: async (max, waitMs) => {
          const records = await inner.poll(max, waitMs);
          const release = releaseOnPoll;
          releaseOnPoll = null;
          if (release) {
            release();
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
          return records;
        },
      }),
    });
    const frames = matchFrames();
    const put = (from: number, to: number) =>
      stream.put(
        RAW,
        frames.slice(from, to).map((data) => ({ partitionKey: SERVER, data })),
      );
    store.hold = true;
    await put(0, 10);
    await pipeline.step(); // ten records: their commit starts and is held
    await put(10, 13);
    await pipeline.step(); // three records wait behind it, with room for seven more
    expect(pipeline.recordsAhead).toBe(3);
    await put(13, 16);
    releaseOnPoll = () => store.release();

    await pipeline.step();
    await put(16, frames.length);
    for (let round = 0; round < 100 && store.storedKeys().length < EVENTS.length; round += 1)
      await pipeline.step();
    await pipeline.flush();

    expect(store.storedKeys()).toHaveLength(EVENTS.length);
    expect(new Set(store.storedKeys()).size).toBe(EVENTS.length);
  });

  it('starts no commit after one fails, and stores every record once after the reset', async () => {
    const { stream, store, pipeline } = setUp({ batchSize: 3 });
    const total = await putMatch(stream);
    store.hold = true;
    store.refuse = 1;
    await pipeline.step();
    await pipeline.step();
    await pipeline.step();
    const ahead = pipeline.recordsAhead;
    expect(ahead).toBeGreaterThan(0);
    store.release();
    await new Promise((resolve) => setTimeout(resolve, 10));

    await expect(pipeline.step()).rejects.toThrow('the database refused the batch');
    expect(store.commits).toBe(1); // the batches behind it did not start
    await pipeline.settle();
    pipeline.reset();
    while (store.storedKeys().length < total) await pipeline.step();
    await pipeline.flush();
    expect(store.storedKeys()).toHaveLength(total);
    expect(new Set(store.storedKeys()).size).toBe(total);
  });
});
