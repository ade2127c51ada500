/**
 * Workers of `geqo up --stream kafka` as one consumer group on a real Kafka broker, each partition
 * fenced in PostgreSQL: whatever the rebalances, every match is stored as one worker stores it.
 */

import { KafkaStreamConsumer, KafkaStreamProducer } from '@geqo/shared/adapters/kafka';
import { silentLogger } from '@geqo/shared/adapters/logging';
import { MemoryStream } from '@geqo/shared/adapters/memory';
import { noMetrics } from '@geqo/shared/adapters/metrics';
import {
  createPool,
  migrate,
  PostgresEventStore,
  PostgresPartitionOwnership,
} from '@geqo/shared/adapters/postgres';
import { GameEventWorker, matchEngineDriver } from '@geqo/shared/app/worker';
import { encodeFrame } from '@geqo/shared/domain/codec';
import { type ConsumedRecord, PARTITION_FENCED_SQLSTATE, type StreamRecord } from '@geqo/shared/ports';
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import { Admin } from '@platformatic/kafka';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { storedEvents } from '../../test/helpers/stored-events.ts';
import { type KafkaBroker, startKafkaBroker } from '../../test/services/kafka-broker.ts';
import { uniqueName } from '../../test/services/unique-name.ts';
import type { Loop } from './retrying-loop.ts';
import { startWorkerRunner } from './worker-runner.ts';

const SERVERS = Array.from({ length: 6 }, (_, i) => `srv_group00000${i + 1}`);
const EVENTS_PER_FRAME = 80;

/** Six short matches, one per server, frame by frame in turn, as the ingest would put them. */
function matchRecords(): StreamRecord[] {
  const perServer = SERVERS.map((server, s) => {
    const events = generateSyntheticMatch({ rounds: 4, seed: 40 + s });
    const frames: StreamRecord[] = [];
    for (let i = 0, seq = 1; i < events.length; i += EVENTS_PER_FRAME, seq += 1) {
      const slice = events.slice(i, i + EVENTS_PER_FRAME);
      frames.push({
        partitionKey: server,
        data: encodeFrame({ v: 1, server, session: 'boot', seq, sentAt: 0, events: slice }),
      });
    }
    return frames;
  });
  const records: StreamRecord[] = [];
  for (let k = 0; perServer.some((frames) => k < frames.length); k += 1)
    for (const frames of perServer) {
      const frame = frames[k];
      if (frame) records.push(frame);
    }
  return records;
}

/** The next records, however long joining the group and taking the partitions takes (up to 30 s). */
async function pollSome(consumer: KafkaStreamConsumer, max: number): Promise<ConsumedRecord[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const records = await consumer.poll(max, 500);
    if (records.length > 0) return records;
    if (Date.now() > deadline) throw new Error('no records within 30 s');
  }
}

function newWorker(pool: pg.Pool) {
  return new GameEventWorker({
    store: new PostgresEventStore(pool),
    engine: matchEngineDriver,
    logger: silentLogger,
    metrics: noMetrics,
    cacheStates: true,
  });
}

/** What a run stored: every event key for key, every match and round row. */
async function outcome(database: TestDatabase, pool: pg.Pool) {
  const matches = await pool.query(
    'SELECT id, server_id, status, score, teams, gaps FROM matches ORDER BY server_id, started_at',
  );
  const rounds = await pool.query(
    'SELECT match_id, number, winner_side, winner_team, reason, score_after, voided FROM rounds ORDER BY match_id, number',
  );
  return { events: await storedEvents(database.url), matches: matches.rows, rounds: rounds.rows };
}

describe('Kafka workers as one consumer group, fenced in PostgreSQL', () => {
  let broker: KafkaBroker;
  let admin: Admin;
  let reference: Awaited<ReturnType<typeof outcome>>;
  const records = matchRecords();

  beforeAll(async () => {
    broker = await startKafkaBroker();
    admin = new Admin({ clientId: 'geqo-test-admin', bootstrapBrokers: broker.brokers });
    // The single-worker run: every record in order, through one worker.
    const database = await createTestDatabase();
    const pool = createPool(database.url);
    try {
      await migrate(pool);
      const worker = newWorker(pool);
      const at = (i: number): ConsumedRecord => ({
        ...records[i]!,
        stream: 'raw',
        shard: 'local',
        position: String(i),
        arrivedAt: 1_000 + i,
      });
      for (let i = 0; i < records.length; i += 150)
        await worker.processBatch(records.slice(i, i + 150).map((_, j) => at(i + j)));
      reference = await outcome(database, pool);
    } finally {
      await pool.end();
      await database.drop();
    }
  });

  afterAll(async () => {
    await admin?.close();
    await broker?.stop();
  });

  async function setUp(partitions: number) {
    const topic = uniqueName('raw-game-events');
    const group = uniqueName('geqo-worker');
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
    const database = await createTestDatabase();
    const pool = createPool(database.url);
    await migrate(pool);
    const producer = new KafkaStreamProducer({ brokers: broker.brokers });
    /** Every partition's stored next offset, summed: how many records the workers have written for. */
    const written = async () =>
      Number(
        (
          await pool.query<{ n: string }>(
            'SELECT coalesce(sum(next_offset), 0) AS n FROM partition_owners WHERE consumer_group = $1 AND topic = $2',
            [group, topic],
          )
        ).rows[0]!.n,
      );
    const waitForWritten = async (count: number, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      while ((await written()) < count) {
        if (Date.now() > deadline) throw new Error(`${await written()} of ${count} records written`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const owners = async () =>
      (
        await pool.query<{ owner: string }>(
          'SELECT DISTINCT owner FROM partition_owners WHERE consumer_group = $1 AND topic = $2 ORDER BY owner',
          [group, topic],
        )
      ).rows.map((row) => row.owner);
    /** Waits until the partitions' rows name exactly these owners (every take has landed). */
    const waitForOwners = async (expected: string[], timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (JSON.stringify(await owners()) !== JSON.stringify(expected)) {
        if (Date.now() > deadline) throw new Error(`owners ${await owners()}, expected ${expected}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const consumerFor = (owner: string) =>
      new KafkaStreamConsumer({
        brokers: broker.brokers,
        stream: topic,
        group,
        owner,
        sessionTimeoutMs: 10_000,
        heartbeatIntervalMs: 300,
        ownership: new PostgresPartitionOwnership(pool),
      });
    const tearDown = async () => {
      await producer.close();
      await pool.end();
      await database.drop();
    };
    return {
      topic,
      group,
      database,
      pool,
      producer,
      written,
      waitForWritten,
      owners,
      waitForOwners,
      consumerFor,
      tearDown,
    };
  }

  it('stores every match as one worker does while workers join, leave and get partitions back', async () => {
    // Prepare
    const run = await setUp(4);
    const workers = new Map<string, { runner: Loop; consumer: KafkaStreamConsumer }>();
    const start = (owner: string) => {
      const consumer = run.consumerFor(owner);
      const runner = startWorkerRunner({
        pool: run.pool,
        consumer,
        rawStream: run.topic,
        batchSize: 100,
        checkpointInTransaction: false,
        logger: silentLogger,
        metrics: noMetrics,
        processed: { producer: new MemoryStream(), stream: 'processed' },
        onMatchesEnded: () => {},
      });
      workers.set(owner, { runner, consumer });
    };
    const stop = async (owner: string) => {
      const worker = workers.get(owner)!;
      workers.delete(owner);
      // Stopping the runner closes its consumer: the member leaves the group.
      await worker.runner.stop();
    };
    const tenth = Math.ceil(records.length / 10);
    const put = (from: number, to: number) =>
      run.producer.put(run.topic, records.slice(from * tenth, to * tenth));

    try {
      // Act: A alone for the first 30 % (it caches every server's state)...
      start('worker-a');
      await put(0, 3);
      await run.waitForWritten(3 * tenth);
      // ...B joins and takes partitions from A; then the next 30 % comes...
      start('worker-b');
      await run.waitForOwners(['worker-a', 'worker-b']);
      await put(3, 6);
      await run.waitForWritten(6 * tenth);
      // ...B leaves: A gets B's partitions back, which moved on since A cached their states...
      await stop('worker-b');
      const leftAt = Date.now();
      await run.waitForOwners(['worker-a']);
      const handOverMs = Date.now() - leftAt;
      await put(6, 8);
      await run.waitForWritten(8 * tenth);
      // ...and C joins, takes partitions, and the rest comes (put before C's take lands, the rest
      // could all be stored by A first: C then never took a partition, a flake seen in CI).
      start('worker-c');
      await run.waitForOwners(['worker-a', 'worker-c']);
      await put(8, 10);
      await run.waitForWritten(records.length, 90_000);
      const ownersAtEnd = await run.owners();
      await Promise.all([...workers.keys()].map(stop));

      // Assess: B left the group on stop (A did not wait for its 10 s session to expire); C took
      // partitions too...
      expect(handOverMs).toBeLessThan(5_000);
      expect(ownersAtEnd).toContain('worker-c');
      const actual = await outcome(run.database, run.pool);
      // ...and what they stored is what one worker stores, key for key, with no gap anywhere.
      expect(actual.events.length).toBe(reference.events.length);
      expect(actual.events).toEqual(reference.events);
      expect(actual.matches).toEqual(reference.matches);
      expect(actual.rounds).toEqual(reference.rounds);
      expect(actual.matches.filter((match) => match.status === 'finished')).toHaveLength(SERVERS.length);
      expect(actual.matches.flatMap((match) => match.gaps)).toEqual([]);
    } finally {
      await Promise.all([...workers.keys()].map(stop));
      await run.tearDown();
    }
  });

  it('has a running worker whose partition is taken from under it refused, dead-letter nothing, and read on', async () => {
    // Prepare: one worker on one partition, a third of the records written.
    const run = await setUp(1);
    const runner = startWorkerRunner({
      pool: run.pool,
      consumer: run.consumerFor('worker-a'),
      rawStream: run.topic,
      batchSize: 100,
      checkpointInTransaction: false,
      logger: silentLogger,
      metrics: noMetrics,
      processed: { producer: new MemoryStream(), stream: 'processed' },
      onMatchesEnded: () => {},
    });
    const third = Math.ceil(records.length / 3);
    try {
      for (let i = 0; i < third; i += 100)
        await run.producer.put(run.topic, records.slice(i, Math.min(third, i + 100)));
      await run.waitForWritten(third);

      // Act: the partition is taken as a member the group preferred would take it (A is a zombie
      // for a moment); the rest of the records come.
      await new PostgresPartitionOwnership(run.pool).take(run.group, run.topic, [0], 'worker-z');
      for (let i = third; i < records.length; i += 100)
        await run.producer.put(run.topic, records.slice(i, i + 100));
      await run.waitForWritten(records.length, 90_000);
    } finally {
      await runner.stop();
    }

    // Assess: A's next batch was refused; A took the partition again (no one else reads it here)
    // and stored every match as one worker does, with no dead letter. (On a loaded machine a
    // rebalance can come first: A then takes the partition back before its next commit, and no
    // batch needs refusing; either way A owns it again under a newer epoch than Z's.)
    const owner = await run.pool.query<{ owner: string; epoch: string }>(
      'SELECT owner, epoch FROM partition_owners WHERE consumer_group = $1 AND topic = $2 AND partition_id = 0',
      [run.group, run.topic],
    );
    expect(owner.rows[0]?.owner).toBe('worker-a');
    expect(Number(owner.rows[0]?.epoch)).toBeGreaterThanOrEqual(3);
    const actual = await outcome(run.database, run.pool);
    expect(actual.events).toEqual(reference.events);
    expect(actual.matches).toEqual(reference.matches);
    expect((await run.pool.query('SELECT count(*)::int AS n FROM dead_letters')).rows[0].n).toBe(0);
    await run.tearDown();
  });

  it("refuses a fenced-out worker's commit once its partition moved, and nothing of it lands", async () => {
    // Prepare: A reads the first half of the records of one partition and prepares a batch of them.
    const run = await setUp(1);
    const half = Math.floor(records.length / 2);
    for (let i = 0; i < records.length; i += 100)
      await run.producer.put(run.topic, records.slice(i, i + 100));
    const consumerA = run.consumerFor('worker-a');
    const workerA = newWorker(run.pool);
    const first = await pollSome(consumerA, 100);
    await workerA.processBatch(first, consumerA.checkpointFor(first.at(-1)!));
    const second: ConsumedRecord[] = [];
    while (second.length < half - first.length)
      second.push(...(await consumerA.poll(half - first.length - second.length, 5_000)));
    const prepared = await workerA.prepare(second, consumerA.checkpointFor(second.at(-1)!));
    const counts = async () =>
      (
        await run.pool.query(
          `SELECT (SELECT count(*)::int FROM game_events) AS events, (SELECT count(*)::int FROM rounds) AS rounds,
                  (SELECT string_agg(state::text, '') FROM match_state) AS states,
                  (SELECT sum(next_offset)::int FROM partition_owners) AS offset`,
        )
      ).rows[0];
    const before = await counts();

    // Act: A drops out of the group (a long pause would do the same); B is assigned the partition
    // and takes it; then A commits what it prepared.
    await consumerA.close();
    const consumerB = run.consumerFor('worker-b');
    const firstOfB = await pollSome(consumerB, 1);
    const refused = workerA.commit(prepared);

    // Assess: A's batch is refused whole; B reads on from where A's last commit ended.
    await expect(refused).rejects.toMatchObject({ code: PARTITION_FENCED_SQLSTATE });
    expect(await counts()).toEqual(before);
    expect(before.offset).toBe(first.length);
    expect(firstOfB[0]?.position).toBe(String(first.length));
    await consumerB.close();
    await run.tearDown();
  });
});
