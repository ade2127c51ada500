import { MemoryStream } from '@geqo/shared/adapters/memory';
import { createPool, migrate, PostgresEventStore } from '@geqo/shared/adapters/postgres';
import { GameEventWorker, matchEngineDriver } from '@geqo/shared/app/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { RecordingDeadLetterSink, RecordingLogger, RecordingMetrics } from '../test/doubles.ts';
import { kinesisEvent, sequenceNumber } from '../test/factories.ts';
import { frameBytes, SERVER_ID } from '../test/frames.ts';
import { makeHandler } from './make-handler.ts';

/** Two Lambda instances: each builds its own worker, as two cold starts would. */
function instance(pool: ReturnType<typeof createPool>, deadLetters: RecordingDeadLetterSink) {
  const logger = new RecordingLogger();
  const metrics = new RecordingMetrics();
  const worker = new GameEventWorker({
    store: new PostgresEventStore(pool),
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
});
