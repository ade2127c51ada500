/**
 * The worker thread against a real PostgreSQL: the main thread appends frames to the durable
 * stream and says so; the thread stores their events, hands back the processed messages of the
 * followed match, forwards its metrics, and stops cleanly with everything committed.
 */
import { EventEmitter } from 'node:events';
import { silentLogger } from '@geqo/shared/adapters/logging';
import { createPool, migrate, PostgresStream } from '@geqo/shared/adapters/postgres';
import type { Metrics, StreamRecord } from '@geqo/shared/ports';
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BATCHING, planFrames } from '../../../cli/src/replay/frame-batcher.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { countEvents, waitForCount } from '../../../test/helpers/stored-events.ts';
import { loadConfig } from '../config.ts';
import { startWorkerThread } from './worker-thread.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  const pool = createPool(database.url, { max: 1 });
  await migrate(pool);
  await pool.end();
});

afterAll(async () => {
  await database?.drop();
});

describe('the worker thread', () => {
  it('stores what the main thread appends, hands back processed messages and metrics, and stops cleanly', async () => {
    // Prepare: a match on the durable stream's producer side, in the main thread.
    const config = loadConfig({ DATABASE_URL: database.url, GEQO_LOG_LEVEL: 'silent' });
    const pool = createPool(database.url, { max: 2 });
    const stream = new PostgresStream(pool);
    const events = generateSyntheticMatch({ rounds: 2 });
    const frames = planFrames(events, { server: 'srv_thread00001', session: 'thread-session' });
    const processed: StreamRecord[] = [];
    const counted = new Map<string, number>();
    const metrics: Metrics = {
      count: (name, value = 1) => counted.set(name, (counted.get(name) ?? 0) + value),
      observe: () => {},
    };
    const topics = new EventEmitter();
    let followed: string[] = [];
    const thread = startWorkerThread({
      config,
      databaseUrl: database.url,
      logger: silentLogger,
      metrics,
      appended: stream.appended,
      topics: {
        current: () => followed,
        watch: (listener) => {
          topics.on('change', listener);
          return () => topics.off('change', listener);
        },
      },
      onProcessed: async (records) => {
        processed.push(...records);
      },
    });

    // Act: the match list is followed from the start; frames go on the stream in two halves.
    followed = ['matches'];
    topics.emit('change', { added: followed, removed: [] });
    const half = Math.ceil(frames.length / 2);
    for (const frame of frames.slice(0, half))
      await stream.put(config.rawStream, [{ partitionKey: 'srv_thread00001', data: frame.bytes }]);
    await waitForCount(
      () => countEvents(database.url),
      frames.slice(0, half).reduce((n, f) => n + f.frame.events.length, 0),
      30_000,
    );
    for (const frame of frames.slice(half))
      await stream.put(config.rawStream, [{ partitionKey: 'srv_thread00001', data: frame.bytes }]);
    await waitForCount(() => countEvents(database.url), events.length, 30_000);
    await thread.stop();

    // Assess: every event stored once; the match list got the match; metrics came across.
    expect(await countEvents(database.url)).toBe(events.length);
    const messages = processed.map(
      (record) => JSON.parse(Buffer.from(record.data).toString('utf8')) as { type: string },
    );
    expect(messages.some((message) => message.type === 'match')).toBe(true);
    expect(counted.get('worker_events')).toBe(events.length);
    const { rows } = await pool.query<{ offset: number }>(
      `SELECT "offset" FROM stream_offsets WHERE stream = $1 AND consumer = 'worker'`,
      [config.rawStream],
    );
    expect(rows[0]?.offset).toBe(frames.length);
    await pool.end();
  });

  it('says when it falls past its hand-over limit, so ingest stops making digests, and when it keeps what is handed over again', async () => {
    // Arrange: a thread reading the stream, and a match cut into frames of one event each
    const config = loadConfig({ DATABASE_URL: database.url, GEQO_LOG_LEVEL: 'silent' });
    const pool = createPool(database.url, { max: 2 });
    const stream = new PostgresStream(pool);
    const server = 'srv_handover01';
    const frames = planFrames(
      generateSyntheticMatch({ rounds: 2, seed: 5 }),
      { server, session: 'handover-session' },
      { ...DEFAULT_BATCHING, maxEvents: 1 },
    );
    const changes: boolean[] = [];
    const thread = startWorkerThread({
      config,
      databaseUrl: database.url,
      logger: silentLogger,
      metrics: { count: () => {}, observe: () => {} },
      appended: stream.appended,
      topics: { current: () => [], watch: () => () => {} },
      onProcessed: async () => {},
      onHandOverChange: (taking) => changes.push(taking),
    });
    const before = await countEvents(database.url);
    const put = (part: typeof frames) =>
      stream.put(
        config.rawStream,
        part.map((frame) => ({ partitionKey: server, data: frame.bytes })),
      );
    expect(frames.length).toBeGreaterThan(2_100);

    // Act: one frame (the thread is reading), then more than it may hold in one commit, then one more
    await put(frames.slice(0, 1));
    await waitForCount(() => countEvents(database.url), before + 1, 30_000);
    await put(frames.slice(1, 2_100));
    await waitFor(() => changes.length >= 1, 10_000);
    await waitForCount(() => countEvents(database.url), before + 2_100, 60_000);
    await put(frames.slice(2_100, 2_101));
    await waitFor(() => changes.length >= 2, 10_000);
    await waitForCount(() => countEvents(database.url), before + 2_101, 30_000);
    await thread.stop();

    // Assess: past the limit (records read from the table), then taking them again
    expect(changes).toEqual([false, true]);
    await pool.end();
  });
});

async function waitFor(done: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) throw new Error(`not done within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
