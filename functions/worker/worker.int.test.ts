import { MemoryStream } from '@geqo/shared/adapters/memory';
import { createPool, migrate, PostgresEventStore } from '@geqo/shared/adapters/postgres';
import { GameEventWorker, matchEngineDriver } from '@geqo/shared/app/worker';
import { encodeFrame, type Frame } from '@geqo/shared/domain/codec';
import type { EventStore } from '@geqo/shared/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { RecordingDeadLetterSink, RecordingLogger, RecordingMetrics } from '../test/doubles.ts';
import { kinesisEvent, sequenceNumber } from '../test/factories.ts';
import { frameBytes, SERVER_ID } from '../test/frames.ts';
import { makeHandler } from './make-handler.ts';

/** Two Lambda instances: each builds its own worker, as two cold starts would. */
function instance(
  pool: ReturnType<typeof createPool>,
  deadLetters: RecordingDeadLetterSink,
  store: EventStore = new PostgresEventStore(pool),
) {
  const logger = new RecordingLogger();
  const metrics = new RecordingMetrics();
  const worker = new GameEventWorker({
    store,
    engine: matchEngineDriver,
    logger,
    metrics,
    processed: { producer: new MemoryStream(), stream: 'processed-game-events' },
    deadLetters,
    cacheStates: false,
  });
  return makeHandler({ worker, logger, metrics });
}

describe('worker handler on PostgreSQL', () => {
  let database: TestDatabase;
  let pool: ReturnType<typeof createPool>;

  beforeAll(async () => {
    database = await createTestDatabase('geqo_fn_worker');
    pool = createPool(database.url, { max: 4 });
    await migrate(pool);
  });

  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it('resumes on another instance from the snapshot, stores redelivered records once and dead-letters poison', async () => {
    // Prepare
    const deadLetters = new RecordingDeadLetterSink();
    const first = instance(pool, deadLetters);
    const second = instance(pool, deadLetters);
    const record = (seq: number, index: number) => ({
      data: frameBytes(seq),
      partitionKey: SERVER_ID,
      sequenceNumber: sequenceNumber(index),
    });
    const batchOne = kinesisEvent([record(1, 0), record(2, 1)]);
    const batchTwo = kinesisEvent([
      record(2, 1),
      { data: 'bm9wZQ==', partitionKey: SERVER_ID, sequenceNumber: sequenceNumber(2) },
      record(3, 3),
    ]);
    // Act
    const one = await first(batchOne);
    const two = await second(batchTwo);
    const again = await first(batchTwo);
    // Assess
    expect([one, two, again]).toEqual([
      { batchItemFailures: [] },
      { batchItemFailures: [] },
      { batchItemFailures: [] },
    ]);
    const { rows } = await pool.query<{ seq: number; n: string }>(
      'SELECT seq, count(*) AS n FROM game_events WHERE server_id = $1 GROUP BY seq ORDER BY seq',
      [SERVER_ID],
    );
    expect(rows.map((r) => [r.seq, Number(r.n)])).toEqual([
      [1, 2],
      [2, 2],
      [3, 2],
    ]);
    const { rows: state } = await pool.query<{ position: string }>(
      'SELECT position FROM match_state WHERE server_id = $1',
      [SERVER_ID],
    );
    expect(state[0]?.position).toBe(sequenceNumber(3));
    expect(deadLetters.letters.map((l) => l.position)).toEqual([sequenceNumber(2), sequenceNumber(2)]);
  });

  /** A frame of `server` whose one chat event carries `text` at `ts` (bytes put on the stream as is). */
  const chatFrame = (server: string, seq: number, text: string, ts = 1_700_000_100_000 + seq) =>
    encodeFrame({
      v: 1,
      server,
      session: 'boot-poison',
      seq,
      sentAt: 1_700_000_100_000,
      events: [{ type: 'chat', ts, steamId: '76561198000000001', text, teamOnly: false }],
    } as Frame);

  it.each<[string, { text?: string; ts?: number }]>([
    ['a NUL character in a chat text', { text: 'gg\u0000wp' }],
    ['a ts past what a Date holds (9e15)', { ts: 9e15 }],
    ['a ts in the year 20983 (6e14 ms)', { ts: 6e14 }],
  ])(
    'sends a record with %s to the DLQ with its payload and reason, and stores the rest of the batch',
    async (_, poison) => {
      // Prepare: two servers; the poison frame sits between valid frames of the first.
      const deadLetters = new RecordingDeadLetterSink();
      const handler = instance(pool, deadLetters);
      const first = `srv_poison${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
      const other = `${first.slice(0, -1)}x`;
      const bad = chatFrame(first, 2, poison.text ?? 'bad', poison.ts);
      const batch = kinesisEvent([
        { data: chatFrame(first, 1, 'glhf'), partitionKey: first, sequenceNumber: sequenceNumber(100) },
        { data: chatFrame(other, 1, 'hi'), partitionKey: other, sequenceNumber: sequenceNumber(101) },
        { data: bad, partitionKey: first, sequenceNumber: sequenceNumber(102) },
        { data: chatFrame(other, 2, 'nt'), partitionKey: other, sequenceNumber: sequenceNumber(103) },
        { data: chatFrame(first, 3, 'gg'), partitionKey: first, sequenceNumber: sequenceNumber(104) },
      ]);
      // Act
      const response = await handler(batch);
      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(deadLetters.letters).toHaveLength(1);
      const [letter] = deadLetters.letters;
      expect(letter).toMatchObject({
        position: sequenceNumber(102),
        partitionKey: first,
        stream: 'raw-game-events',
      });
      expect(Buffer.from(letter!.payload)).toEqual(Buffer.from(bad));
      expect(letter!.reason.length).toBeGreaterThan(0);
      const { rows } = await pool.query<{ server_id: string; seq: number }>(
        'SELECT server_id, seq FROM game_events WHERE server_id = ANY($1) ORDER BY server_id, seq',
        [[first, other]],
      );
      expect(rows.map((r) => `${r.server_id === first ? 'first' : 'other'}:${r.seq}`)).toEqual([
        'first:1',
        'first:3',
        'other:1',
        'other:2',
      ]);
    },
  );

  it('reports a batch that fails with a lost connection (08006) for redelivery and dead-letters nothing', async () => {
    // Prepare: a store whose first two commits fail as a dropped connection does.
    const deadLetters = new RecordingDeadLetterSink();
    const real = new PostgresEventStore(pool);
    let failures = 2;
    const flaky: EventStore = {
      loadSnapshots: (ids) => real.loadSnapshots(ids),
      commit: async (write) => {
        if (failures > 0) {
          failures -= 1;
          throw Object.assign(new Error('connection failure'), { code: '08006' });
        }
        return real.commit(write);
      },
    };
    const handler = instance(pool, deadLetters, flaky);
    const server = 'srv_transient0001';
    const batch = kinesisEvent([
      { data: chatFrame(server, 1, 'a'), partitionKey: server, sequenceNumber: sequenceNumber(200) },
      { data: chatFrame(server, 2, 'b'), partitionKey: server, sequenceNumber: sequenceNumber(201) },
    ]);
    // Act
    const attempts = [await handler(batch), await handler(batch), await handler(batch)];
    // Assess
    expect(attempts).toEqual([
      { batchItemFailures: [{ itemIdentifier: sequenceNumber(200) }] },
      { batchItemFailures: [{ itemIdentifier: sequenceNumber(200) }] },
      { batchItemFailures: [] },
    ]);
    expect(deadLetters.letters).toEqual([]);
    const { rows } = await pool.query('SELECT seq FROM game_events WHERE server_id = $1 ORDER BY seq', [
      server,
    ]);
    expect(rows.map((r) => r.seq)).toEqual([1, 2]);
  });
});
