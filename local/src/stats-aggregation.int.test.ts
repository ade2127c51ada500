/**
 * The statistics job of `geqo up` holds off while the worker is behind the stream, so an ended
 * match is never replayed while live events queue, and only for a bounded time, so a worker that
 * stays behind does not keep a match's statistics from being written for ever.
 */
import { silentLogger } from '@geqo/shared/adapters/logging';
import { noMetrics } from '@geqo/shared/adapters/metrics';
import { createPool, migrate } from '@geqo/shared/adapters/postgres';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { createStatsAggregation } from './stats-aggregation.ts';

let database: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase('geqo_stats_hold');
  pool = createPool(database.url);
  await migrate(pool);
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An ended match without aggregates: the job's next sweep writes them. */
async function endedMatch(id: string): Promise<void> {
  await pool.query(
    `INSERT INTO matches (id, server_id, status, started_at, ended_at) VALUES ($1, 'srv_hold', 'finished', now(), now())`,
    [id],
  );
}

async function aggregated(id: string): Promise<boolean> {
  const { rows } = await pool.query<{ done: boolean }>(
    'SELECT stats_version IS NOT NULL AS done FROM matches WHERE id = $1',
    [id],
  );
  return rows[0]?.done === true;
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await sleep(25);
  }
  return condition();
}

/** The job, sweeping every 50 ms, told the worker is behind while `behind()` says so. */
function startJob(behind: () => boolean, maxHoldMs: number) {
  return createStatsAggregation({
    pool,
    logger: silentLogger,
    metrics: noMetrics,
    intervalMs: 50,
    workerBehind: behind,
    maxHoldMs,
  }).start();
}

describe('statistics job of geqo up', () => {
  it('holds off while the worker is behind, and aggregates as soon as it has caught up', async () => {
    // Arrange
    await endedMatch('m_hold_1');
    let behind = true;
    const job = startJob(() => behind, 60_000);

    // Act
    await sleep(600);
    const whileBehind = await aggregated('m_hold_1');
    behind = false;
    const afterCatchingUp = await waitFor(() => aggregated('m_hold_1'), 5_000);
    await job.stop();

    // Assess
    expect(whileBehind).toBe(false);
    expect(afterCatchingUp).toBe(true);
  });

  it('holds off for at most maxHoldMs when the worker stays behind', async () => {
    // Arrange
    await endedMatch('m_hold_2');
    const started = Date.now();
    const job = startJob(() => true, 300);

    // Act
    const done = await waitFor(() => aggregated('m_hold_2'), 5_000);
    const tookMs = Date.now() - started;
    await job.stop();

    // Assess
    expect(done).toBe(true);
    expect(tookMs).toBeGreaterThanOrEqual(300);
  });
});
