/**
 * `geqo up --role …`: a process runs only its roles, opens only their ports, answers /healthz and
 * /metrics on its HTTP port whatever they are, and refuses to start split without a shared stream
 * and database. On Kafka, dead letters go to `raw-game-events-dlq` as well as the table, and
 * `geqo dlq --kafka` lists and replays them.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ensureKafkaTopics, gameEventTopics, KafkaStreamProducer } from '@geqo/shared/adapters/kafka';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RuntimeProcess, startRuntimeProcess } from '../../local/src/process/runtime-process.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { waitForCount } from '../helpers/stored-events.ts';
import { type KafkaBroker, startKafkaBroker } from '../services/kafka-broker.ts';
import { listeningPorts } from '../services/listening-ports.ts';
import { uniqueName } from '../services/unique-name.ts';

const GEQO = resolve('bin/geqo.mjs');

function geqo(env: Record<string, string>, ...args: string[]) {
  return spawnSync(process.execPath, [GEQO, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
}

/** Resolves to the HTTP status a `/ws` upgrade is answered with (101 when accepted). */
function upgradeStatus(port: number): Promise<number> {
  return new Promise((resolveStatus) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    socket.once('open', () => {
      socket.close();
      resolveStatus(101);
    });
    socket.once('unexpected-response', (_request, response) => {
      resolveStatus(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', () => resolveStatus(0));
  });
}

describe('geqo up --role without a shared stream and database', () => {
  it('exits 2 before starting anything, naming --stream kafka and DATABASE_URL', () => {
    const result = geqo({ GEQO_STREAM: '', DATABASE_URL: '', GEQO_ROLES: '' }, 'up', '--role', 'worker');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--stream kafka');
    expect(result.stderr).toContain('DATABASE_URL');
  });

  it('exits 1 naming a role that does not exist', () => {
    const result = geqo({}, 'up', '--role', 'ingest,wroker');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('"wroker" not a role');
  });
});

describe('geqo up --role on Kafka and one PostgreSQL', { timeout: 180_000 }, () => {
  let broker: KafkaBroker;
  let database: TestDatabase;
  let env: Record<string, string>;
  const processes: RuntimeProcess[] = [];
  let ingest: RuntimeProcess;
  let worker: RuntimeProcess;
  let api: RuntimeProcess;

  beforeAll(async () => {
    broker = await startKafkaBroker();
    database = await createTestDatabase();
    env = {
      GEQO_STREAM: 'kafka',
      GEQO_KAFKA_BROKERS: broker.brokers.join(','),
      GEQO_RAW_STREAM: uniqueName('raw'),
      GEQO_PROCESSED_STREAM: uniqueName('processed'),
    };
    await ensureKafkaTopics({
      brokers: broker.brokers,
      topics: gameEventTopics(
        { rawStream: env.GEQO_RAW_STREAM ?? '', processedStream: env.GEQO_PROCESSED_STREAM ?? '' },
        { partitions: 2 },
      ),
    });
    const start = (roles: string) =>
      startRuntimeProcess({ databaseUrl: database.url, env, args: ['--role', roles] }).then((p) => {
        processes.push(p);
        return p;
      });
    // Side by side, as compose starts them: each applies the migrations under the advisory lock.
    [ingest, worker, api] = await Promise.all([start('ingest'), start('worker'), start('api,broadcaster')]);
  });

  afterAll(async () => {
    for (const p of processes) await p.stop().catch(() => {});
    await database?.drop();
    await broker?.stop();
  });

  it('opens only the ports of its roles: the plugin port with ingest, the HTTP port always', () => {
    expect(listeningPorts(ingest.child.pid ?? 0).sort()).toEqual([ingest.httpPort, ingest.ingestPort].sort());
    expect(listeningPorts(worker.child.pid ?? 0)).toEqual([worker.httpPort]);
    expect(listeningPorts(api.child.pid ?? 0)).toEqual([api.httpPort]);
    expect(worker.ingestPort).toBe(0);
  });

  it('answers /healthz (with its roles) and /metrics on every process, the REST API and /ws only where they run', async () => {
    for (const [p, roles] of [
      [ingest, 'ingest'],
      [worker, 'worker'],
      [api, 'broadcaster,api'],
    ] as const) {
      const health = await fetch(`http://127.0.0.1:${p.httpPort}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', roles, stream: 'kafka' });
      const metrics = await fetch(`http://127.0.0.1:${p.httpPort}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    }
    expect((await fetch(`http://127.0.0.1:${worker.httpPort}/v1/matches`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${ingest.httpPort}/v1/matches`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${api.httpPort}/v1/matches`)).status).toBe(200);
    // CS2 log POSTs: on ingest and the API (a wrong token is a 401 there), not on a worker.
    const logPost = (port: number) =>
      fetch(`http://127.0.0.1:${port}/v1/logs/srv_nobody000001/not-a-token`, {
        method: 'POST',
        body: 'L 01/01/2026 - 18:00:00: x',
      });
    expect((await logPost(worker.httpPort)).status).toBe(404);
    expect((await logPost(ingest.httpPort)).status).toBe(401);
    expect((await logPost(api.httpPort)).status).toBe(401);
    expect(await upgradeStatus(worker.httpPort)).toBe(404);
    expect(await upgradeStatus(ingest.httpPort)).toBe(404);
    expect(await upgradeStatus(api.httpPort)).toBe(101);
  });

  it('puts a poison record in the table and on the dead-letter topic; geqo dlq --kafka lists and replays it', async () => {
    // Prepare: a record no codec can read, put on the raw topic as another producer might.
    const producer = new KafkaStreamProducer({ brokers: broker.brokers });
    await producer.put(env.GEQO_RAW_STREAM ?? '', [
      { partitionKey: 'srv_poison000001', data: new Uint8Array([0x92, 0xc1, 0xc1]) },
    ]);
    await producer.close();
    const db = new pg.Client(database.url);
    await db.connect();
    const count = async () => Number((await db.query('SELECT count(*) AS n FROM dead_letters')).rows[0].n);
    try {
      await waitForCount(count, 1, 30_000);

      // Act + Assess: on the topic too, with its payload and reason.
      const listed = geqo(env, 'dlq', 'list', '--kafka', '--json');
      expect(listed.status, listed.stderr).toBe(0);
      const letters = JSON.parse(listed.stdout) as {
        id: string;
        serverId: string;
        code: string;
        payloadBase64: string;
      }[];
      expect(letters).toHaveLength(1);
      expect(letters[0]).toMatchObject({ serverId: 'srv_poison000001', code: 'BAD_MSGPACK' });
      expect(Buffer.from(letters[0]?.payloadBase64 ?? '', 'base64')).toEqual(Buffer.from([0x92, 0xc1, 0xc1]));

      // Replayed, it fails again: a second letter in the table and on the topic; the first is no
      // longer pending.
      const replayed = geqo(env, 'dlq', 'replay', 'all', '--kafka');
      expect(replayed.status, replayed.stderr).toBe(0);
      expect(replayed.stdout).toContain(`replayed ${letters[0]?.id}`);
      await waitForCount(count, 2, 30_000);
      const deadline = Date.now() + 30_000;
      let pending: { id: string }[] = [];
      do {
        const result = geqo(env, 'dlq', 'list', '--kafka', '--pending', '--json');
        pending = JSON.parse(result.stdout) as { id: string }[];
      } while (pending.length === 0 && Date.now() < deadline);
      expect(pending).toHaveLength(1);
      expect(pending[0]?.id).not.toBe(letters[0]?.id);
    } finally {
      await db.end();
    }
  });
});
