import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { silentLogger } from '../../adapters/logging/index.ts';
import { MemoryStream } from '../../adapters/memory/index.ts';
import { noMetrics } from '../../adapters/metrics/index.ts';
import { createPool, migrate, PostgresEventStore } from '../../adapters/postgres/index.ts';
import { encodeFrame, type Frame } from '../../domain/codec/index.ts';
import type { AnyEvent } from '../../domain/events/index.ts';
import type { ConsumedRecord } from '../../ports/index.ts';
import { GameEventWorker } from './game-event-worker.ts';
import { matchEngineDriver } from './match-engine-driver.ts';

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

const SERVER = 'srv_worker000001';
let position = 0;

function record(data: Uint8Array, partitionKey = SERVER, arrivedAt = 1_000): ConsumedRecord {
  position += 1;
  return { stream: 'raw', shard: 'local', position: String(position), partitionKey, data, arrivedAt };
}

function frame(seq: number, events: AnyEvent[], session = 'boot'): Uint8Array {
  const value: Frame = { v: 1, server: SERVER, session, seq, sentAt: 0, events };
  return encodeFrame(value);
}

const t0 = Date.UTC(2026, 10, 1, 12);
const footstep = (i: number): AnyEvent => ({
  type: 'player_footstep',
  ts: t0 + i,
  steamId: '76561198000000001',
  pos: [i, 0, 0],
});

function worker(processed?: MemoryStream) {
  return new GameEventWorker({
    store: new PostgresEventStore(pool),
    engine: matchEngineDriver,
    logger: silentLogger,
    metrics: noMetrics,
    sequencer: { maxBuffered: 4, maxWaitMs: 60_000, sessionTtlMs: 86_400_000 },
    ...(processed ? { processed: { producer: processed, stream: 'processed' } } : {}),
  });
}

async function count(sql: string): Promise<number> {
  return Number((await pool.query(sql)).rows[0].n);
}

describe('game event worker on PostgreSQL', () => {
  it('dead-letters poison records with payload, position and reason, and goes on with the rest', async () => {
    const garbage = new Uint8Array([0xc1, 0xff, 0x00]);
    const start = frame(1, [{ type: 'map_start', ts: t0, map: 'de_mirage' }, footstep(1)]);
    const foreign = record(frame(2, [footstep(2)]), 'srv_someoneelse1');
    const records = [record(start), record(garbage), foreign, record(frame(2, [footstep(3)]))];

    const report = await worker().processBatch(records);

    expect(report.deadLettered).toBe(2);
    expect(report.events).toBe(3);
    const { rows } = await pool.query(
      'SELECT position, partition_key, payload, code, reason FROM dead_letters ORDER BY id',
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      position: records[1]!.position,
      code: 'BAD_MSGPACK',
      partition_key: SERVER,
    });
    expect([...rows[0].payload]).toEqual([...garbage]);
    expect(rows[0].reason).toMatch(/\S/);
    expect(rows[1]).toMatchObject({ position: foreign.position, code: 'SERVER_MISMATCH' });
    expect(await count(`SELECT count(*) AS n FROM game_events WHERE server_id = '${SERVER}'`)).toBe(3);
  });

  it('applies frames in seq order exactly once across batches and worker instances', async () => {
    const session = 'boot-2';
    const events = (seq: number) => [footstep(100 + seq * 2), footstep(101 + seq * 2)];
    // Out of order, with duplicates, split over two batches handled by two worker instances.
    const first = [3, 1, 1].map((seq) => record(frame(seq, events(seq), session)));
    const second = [2, 3, 4, 2].map((seq) => record(frame(seq, events(seq), session)));

    const a = await worker().processBatch(first);
    const b = await worker().processBatch(second);

    expect([a.frames, a.duplicates]).toEqual([1, 1]);
    expect([b.frames, b.duplicates]).toEqual([3, 2]);
    const { rows } = await pool.query(
      `SELECT seq, idx FROM game_events WHERE session = $1 ORDER BY seq, idx`,
      [session],
    );
    expect(rows.map((r) => `${r.seq}.${r.idx}`)).toEqual([
      '1.0',
      '1.1',
      '2.0',
      '2.1',
      '3.0',
      '3.1',
      '4.0',
      '4.1',
    ]);
  });

  it('stores a batch extended with the records that followed it: each event once, its last checkpoint', async () => {
    // Arrange: frames 1-2 prepared, then 3-4 and 5 joining the same batch before its commit
    const session = 'boot-extend';
    const events = (seq: number) => [footstep(300 + seq * 2), footstep(301 + seq * 2)];
    const records = [1, 2, 3, 4, 5].map((seq) => record(frame(seq, events(seq), session)));
    const checkpoint = (r: ConsumedRecord) => ({
      stream: 'raw-extend',
      consumer: 'worker',
      offset: r.position,
    });
    const w = worker();

    // Act
    let prepared = await w.prepare(records.slice(0, 2), checkpoint(records[1]!));
    prepared = await w.prepare(records.slice(2, 4), checkpoint(records[3]!), prepared);
    prepared = await w.prepare(records.slice(4), checkpoint(records[4]!), prepared);
    const report = await w.commit(prepared);

    // Assert
    expect([report.records, report.frames, report.events]).toEqual([5, 5, 10]);
    const { rows } = await pool.query(
      `SELECT seq, idx FROM game_events WHERE session = $1 ORDER BY seq, idx`,
      [session],
    );
    expect(rows.map((r) => `${r.seq}.${r.idx}`)).toEqual(
      [1, 2, 3, 4, 5].flatMap((seq) => [`${seq}.0`, `${seq}.1`]),
    );
    const offset = await pool.query(`SELECT "offset" FROM stream_offsets WHERE stream = 'raw-extend'`);
    expect(offset.rows[0].offset).toBe(Number(records[4]!.position));
  });

  it('records a gap that stays open past the bound on the match, and skips it', async () => {
    const session = 'boot-gap';
    const records = [1, 3, 4, 5, 6, 7].map((seq) => record(frame(seq, [footstep(200 + seq)], session)));
    const report = await worker().processBatch(records);
    expect(report.gaps).toEqual([{ session, from: 2, to: 2, reason: 'buffer_full' }]);
    const { rows } = await pool.query(`SELECT gaps FROM matches WHERE server_id = $1`, [SERVER]);
    expect(rows[0].gaps).toEqual([
      expect.objectContaining({ session, from: 2, to: 2, reason: 'buffer_full' }),
    ]);
  });

  it('publishes the stored events to the processed stream only after they are committed', async () => {
    const processed = new MemoryStream();
    const consumer = processed.consumer('processed', 'test');
    const session = 'boot-publish';
    await worker(processed).processBatch([record(frame(1, [footstep(300), footstep(301)], session))]);
    const out = await consumer.poll(10, 0);
    const messages = out.map(
      (r) => JSON.parse(new TextDecoder().decode(r.data)) as { type: string; events?: unknown[] },
    );
    expect(messages.find((m) => m.type === 'events')?.events).toHaveLength(2);
  });
});
