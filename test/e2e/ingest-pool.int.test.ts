/**
 * An ack never waits behind the REST API for a database connection. Ingest's stream INSERT and
 * the API's queries shared one pool of 12 connections: a dozen slow API requests (here held by a
 * lock, on the internet by anyone's expensive queries) took all of them, and every plugin's frame
 * waited for one, then failed with UNAVAILABLE after the pool's 10 s connection timeout. The
 * stream now has connections of its own.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addServers } from '../../bench/e2e-bench.ts';
import {
  freePort,
  type RuntimeProcess,
  startRuntimeProcess,
} from '../../local/src/process/runtime-process.ts';
import { encodeFrame } from '../../shared/domain/codec/index.ts';
import { HostilePluginSocket } from '../fuzz/support/hostile-client.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let database: TestDatabase;
let runtime: RuntimeProcess;

beforeAll(async () => {
  database = await createTestDatabase();
  runtime = await startRuntimeProcess({ databaseUrl: database.url, httpPort: await freePort() });
});

afterAll(async () => {
  await runtime?.stop();
  await database?.drop();
});

const frameOf = (server: string, seq: number): Uint8Array => {
  const now = Date.now();
  return encodeFrame({
    v: 1,
    server,
    session: 'pool',
    seq,
    sentAt: now,
    events: [{ type: 'map_start', ts: now, tick: seq, map: 'de_mirage' }],
  });
};

describe('ingest beside a busy REST API', () => {
  it('acks a frame while slow API requests hold every connection of the API pool', async () => {
    // Prepare: a server whose plugin socket is open and acked once.
    const api = `http://127.0.0.1:${runtime.httpPort}`;
    const [server] = await addServers(api, 1, 'pool');
    if (server === undefined) throw new Error('could not register a server');
    const { token, serverId } = server;
    const socket = new HostilePluginSocket(`ws://127.0.0.1:${runtime.ingestPort}/`, token, 15_000);
    expect(await socket.send({ data: frameOf(serverId, 1), opcode: 'binary' })).toEqual({
      kind: 'ack',
      seq: 1,
    });
    // Match listings wait for a lock on `matches`, and those behind them for a connection of the
    // API pool (some answer 500 when the pool's connection timeout runs out).
    const admin = new pg.Client(database.url);
    await admin.connect();
    await admin.query('BEGIN');
    await admin.query('LOCK TABLE matches IN ACCESS EXCLUSIVE MODE');
    const listings = Array.from({ length: 24 }, () =>
      fetch(`${api}/v1/matches`).then(
        (response) => response.status,
        () => 0,
      ),
    );
    // The listings take the API pool's connections meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    // Act
    const outcome = await socket.send({ data: frameOf(serverId, 2), opcode: 'binary' });
    await admin.query('ROLLBACK');
    await admin.end();
    const statuses = await Promise.all(listings);
    socket.close();

    // Assess
    // Before: UNAVAILABLE, once the shared pool's connection timeout (10 s) ran out.
    expect(outcome).toEqual({ kind: 'ack', seq: 2 });
    // Every listing was answered once the lock went (200, or 500 for a connection timeout).
    expect(statuses.every((status) => status === 200 || status === 500)).toBe(true);
  });
});
