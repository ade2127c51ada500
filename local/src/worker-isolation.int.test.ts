/**
 * The local worker (`geqo up`'s runner over the durable PostgreSQL stream) against records that
 * ingest would never pass, put straight on the stream: each goes to `dead_letters` with its
 * payload, stream position and error, every other record's events are stored, and the worker goes
 * on. A transient failure is retried, never dead-lettered.
 */
import { MemoryStream } from '@geqo/shared/adapters/memory';
import { noMetrics } from '@geqo/shared/adapters/metrics';
import { createPool, migrate, PostgresEventStore, PostgresStream } from '@geqo/shared/adapters/postgres';
import { encodeFrame, type Frame } from '@geqo/shared/domain/codec';
import type { EventStore, LogFields, Logger } from '@geqo/shared/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import type { Loop } from './retrying-loop.ts';
import { startWorkerRunner, WORKER_CONSUMER } from './worker-runner.ts';

const RAW = 'raw-game-events';
let database: TestDatabase;
let pool: ReturnType<typeof createPool>;

beforeAll(async () => {
  database = await createTestDatabase('geqo_isolation');
  pool = createPool(database.url, { max: 4 });
  await migrate(pool);
});

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

/** Log lines kept for the assertions. */
class KeptLogger implements Logger {
  constructor(readonly lines: { level: string; message: string; fields: LogFields }[] = []) {}
  debug(message: string, fields: LogFields = {}) {
    this.lines.push({ level: 'debug', message, fields });
  }
  info(message: string, fields: LogFields = {}) {
    this.lines.push({ level: 'info', message, fields });
  }
  warn(message: string, fields: LogFields = {}) {
    this.lines.push({ level: 'warn', message, fields });
  }
  error(message: string, fields: LogFields = {}) {
    this.lines.push({ level: 'error', message, fields });
  }
  child(): Logger {
    return this;
  }
}

let serverCount = 0;
const newServer = () => {
  serverCount += 1;
  return `srv_isolate${String(serverCount).padStart(5, '0')}${Math.floor(Math.random() * 1e4)}`;
};

/** A frame of `server` whose one chat event says `text` at `ts`, encoded as a plugin sends it. */
const chatFrame = (server: string, seq: number, text: string, ts = Date.UTC(2026, 11, 1) + seq): Uint8Array =>
  encodeFrame({
    v: 1,
    server,
    session: 'boot',
    seq,
    sentAt: Date.UTC(2026, 11, 1),
    events: [{ type: 'chat', ts, steamId: '76561198000000001', text, teamOnly: false }],
  } as Frame);

function startRunner(stream: PostgresStream, logger: Logger, store?: EventStore): Loop {
  return startWorkerRunner({
    pool,
    consumer: stream.consumer(RAW, WORKER_CONSUMER),
    rawStream: RAW,
    batchSize: 100,
    checkpointInTransaction: true,
    logger,
    metrics: noMetrics,
    processed: { producer: new MemoryStream(), stream: 'processed-game-events' },
    onMatchesEnded: () => {},
    ...(store ? { store } : {}),
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const storedSeqs = async (servers: string[]) =>
  (
    await pool.query<{ server_id: string; seq: number }>(
      'SELECT server_id, seq FROM game_events WHERE server_id = ANY($1) ORDER BY server_id, seq',
      [servers],
    )
  ).rows.map((r) => `${servers.indexOf(r.server_id)}:${r.seq}`);

describe('the local worker with poison records on the durable stream', () => {
  it.each<[string, { text?: string; ts?: number }]>([
    ['a NUL character in a chat text', { text: 'gg\u0000wp' }],
    ['a ts past what a Date holds (9e15)', { ts: 9e15 }],
    ['a ts in the year 20983 (6e14 ms)', { ts: 6e14 }],
  ])(
    'dead-letters a record with %s with its payload, position and error, stores every other record and goes on',
    async (_, poison) => {
      // Prepare: two servers; the poison frame sits between valid frames of the first, all on the
      // stream before the worker starts, so they come as one batch.
      const stream = new PostgresStream(pool);
      const logger = new KeptLogger();
      const [a, b] = [newServer(), newServer()];
      const bad = chatFrame(a, 2, poison.text ?? 'bad', poison.ts);
      await stream.put(RAW, [
        { partitionKey: a, data: chatFrame(a, 1, 'glhf') },
        { partitionKey: b, data: chatFrame(b, 1, 'hi') },
        { partitionKey: a, data: bad },
        { partitionKey: b, data: chatFrame(b, 2, 'nt') },
        { partitionKey: a, data: chatFrame(a, 3, 'gg') },
      ]);
      const { rows: positions } = await pool.query<{ id: string }>(
        'SELECT id FROM stream_records WHERE stream = $1 AND data = $2',
        [RAW, Buffer.from(bad)],
      );

      // Act
      const runner = startRunner(stream, logger);
      try {
        await waitFor(async () => (await storedSeqs([a, b])).length === 4);
        // The worker goes on: what comes after is stored too.
        await stream.put(RAW, [
          { partitionKey: a, data: chatFrame(a, 4, 'next') },
          { partitionKey: b, data: chatFrame(b, 3, 'next') },
        ]);
        await waitFor(async () => (await storedSeqs([a, b])).length === 6);
      } finally {
        await runner.stop();
      }

      // Assess
      expect(await storedSeqs([a, b])).toEqual(['0:1', '0:3', '0:4', '1:1', '1:2', '1:3']);
      const { rows: letters } = await pool.query<{
        stream: string;
        position: string;
        partition_key: string;
        payload: Buffer;
        reason: string;
      }>(
        'SELECT stream, position, partition_key, payload, reason FROM dead_letters WHERE partition_key = $1',
        [a],
      );
      expect(letters).toHaveLength(1);
      expect(letters[0]).toMatchObject({ stream: RAW, position: String(positions[0]?.id), partition_key: a });
      expect(Buffer.compare(letters[0]!.payload, Buffer.from(bad))).toBe(0);
      expect(letters[0]!.reason.length).toBeGreaterThan(0);
      expect(logger.lines.filter((l) => l.message.includes('failed; retrying'))).toEqual([]);
    },
  );

  it.each<[string, { text?: string; ts?: number }]>([
    ['a NUL character in a chat text', { text: 'gg\u0000wp' }],
    ['a ts past what a Date holds (9e15)', { ts: 9e15 }],
  ])(
    'puts aside a frame with %s that came early and waited in the sequencer, not the records that release it',
    async (_, poison) => {
      // Prepare: seq 3 (poison) arrives before seq 2, so it waits for it; seq 2 then releases it.
      const stream = new PostgresStream(pool);
      const logger = new KeptLogger();
      const server = newServer();
      const early = chatFrame(server, 3, poison.text ?? 'bad', poison.ts);
      await stream.put(RAW, [
        { partitionKey: server, data: chatFrame(server, 1, 'glhf') },
        { partitionKey: server, data: early },
        { partitionKey: server, data: chatFrame(server, 2, 'hi') },
        { partitionKey: server, data: chatFrame(server, 4, 'gg') },
      ]);
      const { rows: positions } = await pool.query<{ id: string }>(
        'SELECT id FROM stream_records WHERE stream = $1 AND data = $2',
        [RAW, Buffer.from(early)],
      );

      // Act
      const runner = startRunner(stream, logger);
      try {
        await waitFor(async () => (await storedSeqs([server])).length === 3);
        await stream.put(RAW, [{ partitionKey: server, data: chatFrame(server, 5, 'next') }]);
        await waitFor(async () => (await storedSeqs([server])).length === 4);
      } finally {
        await runner.stop();
      }

      // Assess: every valid frame is stored; the poison frame is the only dead letter.
      expect(await storedSeqs([server])).toEqual(['0:1', '0:2', '0:4', '0:5']);
      const { rows: letters } = await pool.query<{ position: string; reason: string }>(
        'SELECT position, reason FROM dead_letters WHERE partition_key = $1',
        [server],
      );
      expect(letters.map((l) => l.position)).toEqual([String(positions[0]?.id)]);
    },
  );

  it('dead-letters a record whose session id holds a NUL (its frame cannot even be counted as applied) and goes on', async () => {
    // Prepare
    const stream = new PostgresStream(pool);
    const server = newServer();
    const bad = encodeFrame({
      v: 1,
      server,
      session: 'boot\u0000evil',
      seq: 1,
      sentAt: Date.UTC(2026, 11, 1),
      events: [
        { type: 'chat', ts: Date.UTC(2026, 11, 1), steamId: '76561198000000001', text: 'x', teamOnly: false },
      ],
    } as Frame);
    await stream.put(RAW, [
      { partitionKey: server, data: chatFrame(server, 1, 'a') },
      { partitionKey: server, data: bad },
      { partitionKey: server, data: chatFrame(server, 2, 'b') },
    ]);

    // Act
    const runner = startRunner(stream, new KeptLogger());
    try {
      await waitFor(async () => (await storedSeqs([server])).length === 2);
    } finally {
      await runner.stop();
    }

    // Assess
    expect(await storedSeqs([server])).toEqual(['0:1', '0:2']);
    const { rows } = await pool.query<{ payload: Buffer; code: string }>(
      'SELECT payload, code FROM dead_letters WHERE partition_key = $1',
      [server],
    );
    expect(rows).toHaveLength(1);
    expect(Buffer.compare(rows[0]!.payload, Buffer.from(bad))).toBe(0);
  });

  it('retries a batch whose commit loses the connection (08006) twice, stores it once and dead-letters nothing', async () => {
    // Prepare: a store whose first two commits fail as a dropped connection does.
    const stream = new PostgresStream(pool);
    const logger = new KeptLogger();
    const real = new PostgresEventStore(pool);
    let failures = 2;
    const flaky: EventStore = {
      loadSnapshots: (ids) => real.loadSnapshots(ids),
      encodeEvents: (events, json, after) => real.encodeEvents(events, json, after),
      commit: async (write) => {
        if (failures > 0) {
          failures -= 1;
          throw Object.assign(new Error('connection failure'), { code: '08006' });
        }
        return real.commit(write);
      },
    };
    const server = newServer();
    const lettersBefore = Number((await pool.query('SELECT count(*) AS n FROM dead_letters')).rows[0].n);
    await stream.put(RAW, [
      { partitionKey: server, data: chatFrame(server, 1, 'a') },
      { partitionKey: server, data: chatFrame(server, 2, 'b') },
    ]);

    // Act
    const runner = startRunner(stream, logger, flaky);
    try {
      await waitFor(async () => (await storedSeqs([server])).length === 2);
    } finally {
      await runner.stop();
    }

    // Assess
    expect(await storedSeqs([server])).toEqual(['0:1', '0:2']);
    expect(Number((await pool.query('SELECT count(*) AS n FROM dead_letters')).rows[0].n)).toBe(
      lettersBefore,
    );
    const retries = logger.lines.filter((l) => l.message === 'worker failed; retrying');
    expect(retries.map((l) => [l.fields.attempt, l.fields.code])).toEqual([
      [1, '08006'],
      [2, '08006'],
    ]);
  });
});
