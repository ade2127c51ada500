/**
 * The statistics thread against a real PostgreSQL: a match the worker thread stored and ended is
 * aggregated when the thread is woken, its metrics come across to the main thread, and it stops
 * cleanly.
 */
import { EventEmitter } from 'node:events';
import { silentLogger } from '@geqo/shared/adapters/logging';
import { createPool, migrate, PostgresStream } from '@geqo/shared/adapters/postgres';
import type { Metrics } from '@geqo/shared/ports';
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planFrames } from '../../../cli/src/replay/frame-batcher.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { countEvents, waitForCount } from '../../../test/helpers/stored-events.ts';
import { loadConfig } from '../config.ts';
import { startWorkerThread } from '../worker-thread/worker-thread.ts';
import { startStatsThread } from './stats-thread.ts';

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

describe('the statistics thread', () => {
  it('aggregates the matches the worker ended when woken, forwards its metrics, and stops cleanly', async () => {
    // Prepare: a whole match stored by the worker thread, which says when it ended matches.
    const config = loadConfig({ DATABASE_URL: database.url, GEQO_LOG_LEVEL: 'silent' });
    const pool = createPool(database.url, { max: 2 });
    const stream = new PostgresStream(pool);
    const events = generateSyntheticMatch({ rounds: 2 });
    const frames = planFrames(events, { server: 'srv_stats000001', session: 'stats-session' });
    const counted = new Map<string, number>();
    const metrics: Metrics = {
      count: (name, value = 1) => counted.set(name, (counted.get(name) ?? 0) + value),
      observe: () => {},
    };
    let ended = 0;
    const worker = startWorkerThread({
      config,
      databaseUrl: database.url,
      logger: silentLogger,
      metrics,
      appended: stream.appended,
      topics: { current: () => [], watch: () => () => {} },
      onProcessed: async () => {},
      onMatchesEnded: () => {
        ended += 1;
        stats.wake();
      },
    });
    const stats = startStatsThread({ config, databaseUrl: database.url, logger: silentLogger, metrics });

    // Act
    for (const frame of frames)
      await stream.put(config.rawStream, [{ partitionKey: 'srv_stats000001', data: frame.bytes }]);
    await waitForCount(() => countEvents(database.url), events.length, 30_000);
    await waitForCount(async () => counted.get('stats_aggregations') ?? 0, 1, 30_000);
    await worker.stop();
    await stats.stop();

    // Assess: the match ended once, and its players' aggregates are written, stamped with its version.
    expect(ended).toBe(1);
    const { rows } = await pool.query<{ players: number; status: string; aggregated: boolean }>(
      `SELECT (SELECT count(*)::int FROM player_match_stats s WHERE s.match_id = m.id) AS players, m.status,
              m.stats_version = m.updated_at AS aggregated
         FROM matches m`,
    );
    expect(rows).toEqual([{ players: 10, status: 'finished', aggregated: true }]);
    expect(counted.get('stats_aggregations')).toBe(1);
    await pool.end();
  });
});
