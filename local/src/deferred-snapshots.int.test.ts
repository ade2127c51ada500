/**
 * Snapshots put off (`snapshotEveryMs`): the worker writes a server's match state at most so often
 * and holds the stream checkpoint back to what the written snapshots cover. A worker that dies
 * with changes only in memory loses nothing and applies nothing twice: the next one reads the
 * stream again from the held-back checkpoint, and stores what a worker that wrote every snapshot
 * stores, key for key.
 */

import { silentLogger } from '@geqo/shared/adapters/logging';
import { MemoryStream } from '@geqo/shared/adapters/memory';
import { noMetrics } from '@geqo/shared/adapters/metrics';
import { createPool, migrate, PostgresEventStore, PostgresStream } from '@geqo/shared/adapters/postgres';
import { GameEventWorker, matchEngineDriver } from '@geqo/shared/app/worker';
import { encodeFrame } from '@geqo/shared/domain/codec';
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { storedEvents } from '../../test/helpers/stored-events.ts';
import { WorkerPipeline } from './worker-pipeline.ts';

const RAW = 'raw-game-events';
const SERVERS = 4;
/** One start for both runs, so their events are the same. */
const START = Date.now();
let reference: TestDatabase;
let crashed: TestDatabase;

beforeAll(async () => {
  [reference, crashed] = await Promise.all([
    createTestDatabase('geqo_snap_ref'),
    createTestDatabase('geqo_snap_crash'),
  ]);
});

afterAll(async () => {
  await Promise.all([reference?.drop(), crashed?.drop()]);
});

/** Four servers' matches in frames of 30 events, one frame of each server after the other. */
async function fillStream(stream: PostgresStream): Promise<number> {
  const perServer = Array.from({ length: SERVERS }, (_, i) => {
    const server = `srv_snapshots${i}`;
    const events = generateSyntheticMatch({ rounds: 4, seed: 11 + i, startTs: START });
    const frames: { partitionKey: string; data: Uint8Array }[] = [];
    for (let at = 0, seq = 1; at < events.length; at += 30, seq += 1)
      frames.push({
        partitionKey: server,
        data: encodeFrame({
          v: 1,
          server,
          session: 'boot',
          seq,
          sentAt: START,
          events: events.slice(at, at + 30),
        }),
      });
    return frames;
  });
  const longest = Math.max(...perServer.map((frames) => frames.length));
  for (let i = 0; i < longest; i += 1)
    await stream.put(
      RAW,
      perServer.flatMap((frames) => frames.slice(i, i + 1)),
    );
  return perServer.reduce((sum, frames) => sum + frames.length, 0);
}

function workerOn(pool: pg.Pool, snapshotEveryMs?: number) {
  const stream = new PostgresStream(pool);
  const worker = new GameEventWorker({
    store: new PostgresEventStore(pool),
    engine: matchEngineDriver,
    logger: silentLogger,
    metrics: noMetrics,
    processed: { producer: new MemoryStream(), stream: 'processed-game-events' },
    cacheStates: true,
    ...(snapshotEveryMs === undefined ? {} : { snapshotEveryMs }),
  });
  const consumer = stream.consumer(RAW, 'worker');
  const pipeline = new WorkerPipeline(worker, consumer, {
    stream: RAW,
    consumerName: 'worker',
    batchSize: 10,
    checkpointInTransaction: true,
  });
  return { stream, worker, consumer, pipeline };
}

async function matchRows(url: string) {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const matches = await client.query(
      'SELECT id, server_id, status, score, gaps, started_at, ended_at FROM matches ORDER BY id',
    );
    const rounds = await client.query('SELECT * FROM rounds ORDER BY match_id, number');
    return { matches: matches.rows, rounds: rounds.rows };
  } finally {
    await client.end();
  }
}

describe('snapshots put off by the local worker', () => {
  it('a worker that dies with changes only in memory loses nothing: the next one reads them again from the held-back checkpoint and stores what an every-batch-snapshot worker stores', async () => {
    // Reference: a snapshot of every touched server in every batch.
    const refPool = createPool(reference.url, { max: 4 });
    await migrate(refPool);
    const ref = workerOn(refPool);
    const records = await fillStream(ref.stream);
    const head = await ref.consumer.headOffset();
    while ((await ref.consumer.committedOffset()) < head) await ref.pipeline.step();
    await ref.pipeline.flush();
    await refPool.end();

    // Snapshots at most once a minute: none are due after their first, so the checkpoint stays
    // behind what the worker has prepared. Stop it halfway, as a crash would (nothing flushed
    // beyond the commit in flight).
    const pool = createPool(crashed.url, { max: 4 });
    await migrate(pool);
    const first = workerOn(pool, 60_000);
    await fillStream(first.stream);
    for (let step = 0; step < records / 10 / 2; step += 1) await first.pipeline.step();
    await first.pipeline.flush();
    const prepared = Number(first.worker.preparedPosition);
    const committed = await first.consumer.committedOffset();
    expect(first.worker.unsavedSnapshots).toBe(SERVERS);
    expect(committed).toBeLessThan(prepared);
    const snapshotsWritten = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM match_state');
    expect(snapshotsWritten.rows[0]!.n).toBe(SERVERS);

    // A new worker on the same database reads again from the checkpoint and finishes; idle, it
    // writes what it put off, and the checkpoint reaches the last record.
    const second = workerOn(pool, 60_000);
    const end = await second.consumer.headOffset();
    while ((await second.consumer.committedOffset()) < end) await second.pipeline.step();
    await second.pipeline.flush();
    expect(second.worker.unsavedSnapshots).toBe(0);
    await pool.end();

    const expected = await storedEvents(reference.url);
    const actual = await storedEvents(crashed.url);
    expect(actual.length).toBeGreaterThan(1_000);
    expect(actual).toEqual(expected);
    expect(await matchRows(crashed.url)).toEqual(await matchRows(reference.url));
  });
});
