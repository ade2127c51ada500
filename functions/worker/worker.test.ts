import { MemoryStream } from '@geqo/shared/adapters/memory';
import { GameEventWorker, matchEngineDriver } from '@geqo/shared/app/worker';
import { describe, expect, it } from 'vitest';
import {
  MemoryEventStore,
  RecordingDeadLetterSink,
  RecordingLogger,
  RecordingMetrics,
} from '../test/doubles.ts';
import { kinesisEvent, mskEvent, sequenceNumber } from '../test/factories.ts';
import { frameBytes, SERVER_ID } from '../test/frames.ts';
import { makeHandler } from './make-handler.ts';

function setup() {
  const store = new MemoryEventStore();
  const deadLetters = new RecordingDeadLetterSink();
  const processed = new MemoryStream();
  const logger = new RecordingLogger();
  const metrics = new RecordingMetrics();
  const worker = new GameEventWorker({
    store,
    engine: matchEngineDriver,
    logger,
    metrics,
    processed: { producer: processed, stream: 'processed-game-events' },
    deadLetters,
    cacheStates: false,
  });
  const handler = makeHandler({ worker, logger, metrics });
  const published = processed.consumer('processed-game-events', 'test');
  return { store, deadLetters, published, logger, metrics, handler };
}

const frames = (...seqs: number[]) => seqs.map((seq) => ({ data: frameBytes(seq), partitionKey: SERVER_ID }));

describe('worker handler', () => {
  it('applies a Kinesis batch, stores its events and publishes processed messages', async () => {
    // Prepare
    const { handler, store, published, metrics } = setup();
    // Act
    const response = await handler(kinesisEvent(frames(1, 2, 3)));
    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(store.events.map((e) => e.event.type)).toEqual([
      'map_start',
      'match_start',
      'round_start',
      'round_freeze_end',
      'round_start',
      'round_freeze_end',
    ]);
    expect(store.commits[0]?.snapshots[0]?.position).toBe(sequenceNumber(2));
    expect((await published.poll(100, 0)).length).toBeGreaterThan(0);
    expect(metrics.flushes).toBe(1);
  });

  it('reports the first record of a batch whose commit fails, and the retry stores every event once', async () => {
    // Prepare
    const { handler, store, deadLetters } = setup();
    await handler(kinesisEvent(frames(1)));
    const batch = kinesisEvent(
      frames(2, 3, 4).map((f, i) => ({ ...f, sequenceNumber: sequenceNumber(10 + i) })),
    );
    store.failCommits(1);
    // Act
    const failed = await handler(batch);
    const retried = await handler(batch);
    // Assess
    expect(failed).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumber(10) }] });
    expect(retried).toEqual({ batchItemFailures: [] });
    const keys = store.events.map((e) => `${e.key.seq}.${e.key.index}`);
    expect(keys).toEqual(['1.0', '1.1', '2.0', '2.1', '3.0', '3.1', '4.0', '4.1']);
    expect(deadLetters.letters).toEqual([]);
  });

  it('dead-letters a poison record with its payload, position and reason, and the batch succeeds', async () => {
    // Prepare
    const { handler, store, deadLetters } = setup();
    const garbage = new Uint8Array([0xc1, 0xff, 0x00, 0x13]);
    const event = kinesisEvent([...frames(1), { data: garbage, partitionKey: SERVER_ID }, ...frames(2)]);
    // Act
    const response = await handler(event);
    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(deadLetters.letters).toHaveLength(1);
    const [letter] = deadLetters.letters;
    expect(letter).toMatchObject({
      stream: 'raw-game-events',
      shard: 'shardId-000000000000',
      position: sequenceNumber(1),
      partitionKey: SERVER_ID,
    });
    expect(Buffer.from(letter!.payload)).toEqual(Buffer.from(garbage));
    expect(letter!.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
    expect(letter!.reason.length).toBeGreaterThan(0);
    expect(store.events.map((e) => e.key.seq)).toEqual([1, 1, 2, 2]);
  });

  it('dead-letters a frame whose server is not the record key (another server cannot write here)', async () => {
    const { handler, deadLetters } = setup();
    const response = await handler(kinesisEvent([{ data: frameBytes(1), partitionKey: 'srv_aaaaaaaaaaaa' }]));
    expect(response.batchItemFailures).toEqual([]);
    expect(deadLetters.letters.map((l) => l.code)).toEqual(['SERVER_MISMATCH']);
  });

  it('reads an MSK event per partition and reports a failed partition by partition and offset', async () => {
    // Prepare: two servers on two partitions; the second partition's commit fails.
    const { handler, store } = setup();
    const other = 'srv_bbbbbbbbbbbb';
    const event = mskEvent('raw-game-events', [
      { key: SERVER_ID, value: frameBytes(1), partition: 0, offset: 40 },
      { key: SERVER_ID, value: frameBytes(2), partition: 0, offset: 41 },
      { key: other, value: frameBytes(1, { server: other }), partition: 1, offset: 7 },
    ]);
    let commits = 0;
    const original = store.commit.bind(store);
    store.commit = async (write) => {
      commits += 1;
      if (commits === 2)
        throw Object.assign(new Error('the database system is starting up'), { code: '57P03' });
      return original(write);
    };
    // Act
    const response = await handler(event);
    // Assess
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: { partition: 'raw-game-events-1', offset: 7 } }],
    });
    expect(store.commits).toHaveLength(1);
    expect(store.commits[0]?.snapshots).toEqual([
      expect.objectContaining({ serverId: SERVER_ID, position: '41' }),
    ]);
  });

  it('dead-letters a record whose batch fails with a programmer error, instead of failing the batch', async () => {
    // Prepare
    const { handler, store, deadLetters } = setup();
    store.failCommits(1, new TypeError("Cannot read properties of undefined (reading 'id')"));
    // Act
    const response = await handler(kinesisEvent(frames(1)));
    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(deadLetters.letters).toHaveLength(1);
    expect(deadLetters.letters[0]).toMatchObject({ code: 'UNPROCESSABLE', position: sequenceNumber(0) });
    expect(deadLetters.letters[0]?.reason).toContain('[TypeError] Cannot read properties');
    expect(store.events).toEqual([]);
  });
});
