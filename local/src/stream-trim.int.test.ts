import { silentLogger } from '@geqo/shared/adapters/logging';
import { createPool, migrate, PostgresStream } from '@geqo/shared/adapters/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { startStreamTrim } from './stream-trim.ts';

let database: TestDatabase;
let pool: ReturnType<typeof createPool>;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url);
  await migrate(pool);
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

/** A stream of `count` one-byte records, of which a worker has committed the first `committed`. */
async function streamWithCommitted(name: string, count: number, committed: number) {
  const stream = new PostgresStream(pool);
  for (let n = 1; n <= count; n += 1)
    await stream.put(name, [{ partitionKey: 'srv', data: new Uint8Array([n]) }]);
  const consumer = stream.consumer(name, 'worker');
  const read = await consumer.poll(committed, 0);
  await consumer.commit(read.at(-1)!);
  return stream;
}

const kept = async (name: string) =>
  (
    await pool.query<{ b: number }>(
      'SELECT get_byte(data, 0) AS b FROM stream_records WHERE stream = $1 ORDER BY id',
      [name],
    )
  ).rows.map((row) => row.b);

describe('stream trim', () => {
  it('deletes the records the worker has committed once they are older than the retention, and keeps the rest', async () => {
    // Arrange
    const stream = await streamWithCommitted('trim-old', 5, 3);

    // Act
    const trim = startStreamTrim({
      trim: (retentionMs) => stream.trim('trim-old', retentionMs),
      retentionMs: 0,
      intervalMs: 20,
      logger: silentLogger,
    });
    for (let wait = 0; wait < 100 && (await kept('trim-old')).length > 2; wait += 1)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await trim.stop();

    // Assert
    expect(await kept('trim-old')).toEqual([4, 5]);
    await stream.close();
  });

  it('keeps committed records younger than the retention', async () => {
    // Arrange
    const stream = await streamWithCommitted('trim-young', 4, 4);

    // Act: runs every 20 ms, an hour's retention
    let runs = 0;
    const trim = startStreamTrim({
      trim: async (retentionMs) => {
        runs += 1;
        return stream.trim('trim-young', retentionMs);
      },
      retentionMs: 60 * 60_000,
      intervalMs: 20,
      logger: silentLogger,
    });
    for (let wait = 0; wait < 100 && runs < 3; wait += 1)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await trim.stop();

    // Assert: it ran, and deleted nothing
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(await kept('trim-young')).toEqual([1, 2, 3, 4]);
    await stream.close();
  });
});
