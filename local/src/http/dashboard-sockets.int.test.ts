/**
 * The dashboard socket `/ws` against hostile clients: real `ws` clients, the real HTTP server and
 * a real PostgreSQL (matches are looked up there).
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createPool, migrate, PostgresServerRepository } from '../../../shared/adapters/postgres/index.ts';
import { ServerRegistry } from '../../../shared/app/servers/index.ts';
import { processedRecords } from '../../../shared/app/worker/index.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { startTestHttpServer, type TestHttpServer } from '../../../test/helpers/http-server.ts';
import type { DashboardSocketOptions } from './dashboard-sockets.ts';

type Reply = Record<string, unknown>;

let database: TestDatabase;
let pool: pg.Pool;
let servers: ServerRegistry;
const started: TestHttpServer[] = [];
const knownMatches = Array.from({ length: 100 }, (_, i) => `m_known_${String(i).padStart(3, '0')}`);

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url);
  await migrate(pool);
  servers = new ServerRegistry(new PostgresServerRepository(pool));
  const { serverId } = await servers.add('dashboards');
  await pool.query(
    `INSERT INTO matches (id, server_id, status, started_at)
     SELECT id, $2, 'live', now() FROM unnest($1::text[]) AS id`,
    [knownMatches, serverId],
  );
});

afterAll(async () => {
  for (const server of started) await server.close();
  await pool?.end();
  await database?.drop();
});

async function startServer(dashboards: DashboardSocketOptions = {}): Promise<TestHttpServer> {
  const server = await startTestHttpServer({ pool, servers, dashboards });
  started.push(server);
  return server;
}

/** A dashboard client; its listener is attached before `open` so the `hello` is never missed. */
async function connect(port: number, options: { headers?: Record<string, string>; query?: string } = {}) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws${options.query ?? ''}`, {
    headers: options.headers ?? {},
  });
  const replies: Reply[] = [];
  ws.on('message', (data) => replies.push(JSON.parse(String(data)) as Reply));
  await once(ws, 'open');
  const next = async (): Promise<Reply> => {
    const deadline = Date.now() + 10_000;
    while (replies.length === 0) {
      if (Date.now() > deadline) throw new Error('no reply on the dashboard socket');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return replies.shift() as Reply;
  };
  expect(await next()).toMatchObject({ type: 'hello' });
  const ask = async (message: unknown): Promise<Reply> => {
    ws.send(typeof message === 'string' ? message : JSON.stringify(message));
    return next();
  };
  return { ws, replies, next, ask };
}

async function upgradeStatus(
  port: number,
  headers: Record<string, string> = {},
  query = '',
): Promise<number> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws${query}`, { headers });
  ws.on('error', () => {});
  // 101 when the upgrade was accepted after all.
  const status = await Promise.race([
    (once(ws, 'unexpected-response') as Promise<[unknown, { statusCode: number }]>).then(
      ([, r]) => r.statusCode,
    ),
    once(ws, 'open').then(() => 101),
  ]);
  ws.terminate();
  return status;
}

/**
 * One `/ws` client in a worker thread: sends a subscription for each id at once, waits for a
 * reply to each (and the `hello`), and reports them and whether the socket was still open; `close`
 * ends the thread, and so drops the socket.
 */
async function floodFromThread(
  port: number,
  ids: string[],
): Promise<{ replies: Reply[]; openAfter: boolean; close: () => Promise<number> }> {
  const worker = new Worker(
    `
    const { parentPort, workerData } = require('node:worker_threads');
    const WebSocket = require('ws');
    const ws = new WebSocket('ws://127.0.0.1:' + workerData.port + '/ws');
    const replies = [];
    ws.on('message', (data) => {
      replies.push(JSON.parse(String(data)));
      if (replies.length === workerData.ids.length + 1) {
        parentPort.postMessage({ replies, openAfter: ws.readyState === WebSocket.OPEN });
      }
    });
    ws.on('open', () => {
      for (const matchId of workerData.ids) ws.send(JSON.stringify({ action: 'subscribe', matchId }));
    });
    `,
    { eval: true, workerData: { port, ids } },
  );
  try {
    const [result] = (await Promise.race([
      once(worker, 'message'),
      once(worker, 'error').then(([error]) => Promise.reject(error)),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('the flood got no full answer in 30 s')), 30_000),
      ),
    ])) as [{ replies: Reply[]; openAfter: boolean }];
    return { ...result, close: () => worker.terminate() };
  } catch (error) {
    await worker.terminate();
    throw error;
  }
}

const closed = (ws: WebSocket) => once(ws, 'close') as Promise<[number, Buffer]>;

describe('dashboard socket /ws', () => {
  it('answers 5,000 subscriptions on one socket with bounded errors, keeps /healthz fast and the followed topics bounded', async () => {
    // Prepare: the first 100 ids are stored matches, the rest are not. The flooding client runs in
    // a thread of its own, so this thread's timings are the server's alone.
    const server = await startServer();
    const ids = Array.from({ length: 5_000 }, (_, i) => knownMatches[i] ?? `m_unknown_${i}`);
    expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200); // warm the client
    let polling = true;
    const healthLatencies: number[] = [];
    const health = (async () => {
      while (polling) {
        const begun = performance.now();
        const response = await fetch(`http://127.0.0.1:${server.port}/healthz`);
        expect(response.status).toBe(200);
        healthLatencies.push(performance.now() - begun);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    // Act
    const flood = await floodFromThread(server.port, ids);
    polling = false;
    await health;

    // Assess: one reply each; at most 64 followed; the rest refused with a code; the server
    // follows 64 topics and told its watcher of 64, not of the whole list each time.
    const replies = flood.replies.filter((reply) => reply.type !== 'hello');
    expect(replies).toHaveLength(ids.length);
    expect(replies.filter((reply) => reply.type === 'subscribed')).toHaveLength(64);
    const codes = new Set(
      replies.filter((reply) => reply.type === 'error').map((reply) => String(reply.code)),
    );
    expect(
      [...codes].every((code) => ['TOO_MANY_SUBSCRIPTIONS', 'UNKNOWN_MATCH', 'RATE_LIMITED'].includes(code)),
    ).toBe(true);
    expect(server.registry.topicCount()).toBe(64);
    expect(server.topicChanges.topicsSent).toBe(64);
    expect(healthLatencies.length).toBeGreaterThan(0);
    // Loose for a loaded two-core machine; the flood once stalled it for 4.5 s.
    expect(Math.max(...healthLatencies)).toBeLessThan(2_000);
    expect(flood.openAfter).toBe(true);

    // The connection closed, its topics are all forgotten.
    await flood.close();
    const forgotten = Date.now() + 5_000;
    while (server.registry.topicCount() > 0 && Date.now() < forgotten)
      await new Promise((r) => setTimeout(r, 10));
    expect(server.registry.topicCount()).toBe(0);
  });

  it('refuses a subscription to a match id that is not stored with UNKNOWN_MATCH, and follows a stored one', async () => {
    const server = await startServer();
    const { ws, ask } = await connect(server.port);

    expect(await ask({ action: 'subscribe', matchId: 'm_never_stored' })).toMatchObject({
      type: 'error',
      code: 'UNKNOWN_MATCH',
      topic: 'm_never_stored',
    });
    expect(await ask({ action: 'subscribe', matchId: knownMatches[0] })).toEqual({
      type: 'subscribed',
      topic: knownMatches[0],
    });
    expect(await ask({ action: 'subscribe', topic: 'matches' })).toEqual({
      type: 'subscribed',
      topic: 'matches',
    });
    expect(server.registry.topics().sort()).toEqual([knownMatches[0], 'matches'].sort());
    ws.close();
  });

  it('answers TOO_MANY_SUBSCRIPTIONS past the per-connection limit and keeps the connection usable', async () => {
    const server = await startServer({ maxSubscriptions: 3 });
    const { ws, ask } = await connect(server.port);
    for (const matchId of knownMatches.slice(0, 3))
      expect(await ask({ action: 'subscribe', matchId })).toMatchObject({ type: 'subscribed' });

    expect(await ask({ action: 'subscribe', matchId: knownMatches[3] })).toMatchObject({
      type: 'error',
      code: 'TOO_MANY_SUBSCRIPTIONS',
    });
    // Following a topic again is not a new subscription; leaving one makes room.
    expect(await ask({ action: 'subscribe', matchId: knownMatches[0] })).toMatchObject({
      type: 'subscribed',
    });
    expect(await ask({ action: 'unsubscribe', matchId: knownMatches[0] })).toMatchObject({
      type: 'unsubscribed',
    });
    expect(await ask({ action: 'subscribe', matchId: knownMatches[3] })).toMatchObject({
      type: 'subscribed',
    });
    expect(server.registry.topicCount()).toBe(3);
    ws.close();
  });

  it('answers non-JSON, wrong-shape and oversized messages with an error reply and keeps serving', async () => {
    const server = await startServer();
    const { ws, ask } = await connect(server.port);

    expect(await ask('not json {')).toMatchObject({ type: 'error', code: 'BAD_JSON' });
    expect(await ask('null')).toMatchObject({ type: 'error', code: 'BAD_REQUEST' });
    expect(await ask('[1,2]')).toMatchObject({ type: 'error', code: 'BAD_REQUEST' });
    expect(await ask({ action: 'dance' })).toMatchObject({ type: 'error', code: 'BAD_ACTION' });
    expect(await ask({ action: 'ping' })).toEqual({ type: 'pong' });
    expect(await ask({ action: 'subscribe', matchId: 42 })).toMatchObject({
      type: 'error',
      code: 'BAD_TOPIC',
    });
    expect(await ask(JSON.stringify({ action: 'subscribe', matchId: 'x'.repeat(5_000) }))).toMatchObject({
      type: 'error',
      code: 'MESSAGE_TOO_LARGE',
    });
    expect(await ask({ action: 'subscribe', topic: 'matches' })).toEqual({
      type: 'subscribed',
      topic: 'matches',
    });
    expect(ws.readyState).toBe(WebSocket.OPEN);

    // Far over the bound (64 KiB), the socket itself closes with 1009 instead of buffering it.
    const closing = closed(ws);
    ws.send('x'.repeat(65 * 1024));
    const [code] = await closing;
    expect(code).toBe(1009);
  });

  it('answers RATE_LIMITED without a query past the unknown match ids an address may look up in a second, even across reconnects; stored matches and the matches topic still work', async () => {
    let lookups = 0;
    const server = await startServer({
      unknownLookupsPerSecondPerAddress: 5,
      matchExists: async (matchId) => {
        if (knownMatches.includes(matchId)) return true;
        lookups += 1;
        return false;
      },
    });
    // Made-up ids, as a reconnecting client floods them: the first connection uses the budget,
    // and a new one from the same address gets none back within the second.
    const first = await connect(server.port);
    const codes: string[] = [];
    for (let n = 0; n < 6; n++)
      codes.push(String((await first.ask({ action: 'subscribe', matchId: `m-${n}` })).code));
    first.ws.terminate();
    const second = await connect(server.port);
    for (let n = 6; n < 12; n++)
      codes.push(String((await second.ask({ action: 'subscribe', matchId: `m-${n}` })).code));
    expect(await second.ask({ action: 'subscribe', topic: 'matches' })).toEqual({
      type: 'subscribed',
      topic: 'matches',
    });
    second.ws.close();

    // 5 lookups a second: at most 10 of the 12 in the two seconds this can straddle.
    expect(lookups).toBeGreaterThanOrEqual(5);
    expect(lookups).toBeLessThanOrEqual(10);
    expect(codes.filter((code) => code === 'UNKNOWN_MATCH')).toHaveLength(lookups);
    expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(12 - lookups);

    // Stored matches spend nothing: in a new second, ten of them and then four unknown ids all get
    // their lookup.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const third = await connect(server.port);
    for (const matchId of knownMatches.slice(0, 10))
      expect(await third.ask({ action: 'subscribe', matchId })).toEqual({
        type: 'subscribed',
        topic: matchId,
      });
    for (let n = 0; n < 4; n++)
      expect(await third.ask({ action: 'subscribe', matchId: `m-again-${n}` })).toMatchObject({
        code: 'UNKNOWN_MATCH',
      });
    third.ws.close();
  });

  it('subscribes a viewer to an announced or already found match while a client at its address has spent the lookup budget on made-up ids', async () => {
    let lookups = 0;
    const server = await startServer({
      unknownLookupsPerSecondPerAddress: 5,
      matchExists: async (matchId) => {
        lookups += 1;
        return knownMatches.includes(matchId);
      },
    });
    // A match found by a lookup (a viewer that subscribed before), and one the worker announced on
    // the matches topic, as processed records reach the broadcaster.
    const viewer = await connect(server.port);
    expect(await viewer.ask({ action: 'subscribe', matchId: knownMatches[30] })).toMatchObject({
      type: 'subscribed',
    });
    const announced = knownMatches[31]!;
    server.dashboards.noteAnnouncedMatches(processedRecords([], [], [{ id: announced, status: 'live' }]));
    lookups = 0;

    // A storm at the same address spends the second's budget on made-up ids...
    const storm = await connect(server.port);
    // The budget is per wall-clock second: start at the beginning of one, so the storm and the
    // asks after it fall in the same second's window (a storm across a boundary gets two budgets).
    await new Promise((resolve) => setTimeout(resolve, 1_005 - (Date.now() % 1_000)));
    const codes: string[] = [];
    for (let n = 0; n < 8; n++)
      codes.push(String((await storm.ask({ action: 'subscribe', matchId: `made-up-${n}` })).code));
    expect(codes).toContain('RATE_LIMITED');

    // ...and the viewer still follows both matches, with no lookup; an id neither announced nor
    // found before still waits for the budget.
    viewer.ws.terminate();
    const again = await connect(server.port);
    const lookupsBefore = lookups;
    for (const matchId of [knownMatches[30]!, announced])
      expect(await again.ask({ action: 'subscribe', matchId })).toEqual({
        type: 'subscribed',
        topic: matchId,
      });
    expect(lookups).toBe(lookupsBefore);
    expect(await again.ask({ action: 'subscribe', matchId: knownMatches[32] })).toMatchObject({
      code: 'RATE_LIMITED',
    });
    again.ws.close();
    storm.ws.close();
  });

  it('refuses a connection over the per-address limit with 429, and accepts again once one closes', async () => {
    const server = await startServer({ maxConnectionsPerAddress: 3 });
    const open = [await connect(server.port), await connect(server.port), await connect(server.port)];

    expect(await upgradeStatus(server.port)).toBe(429);
    open[0]!.ws.close();
    await closed(open[0]!.ws);
    const again = await connect(server.port);
    expect(again.ws.readyState).toBe(WebSocket.OPEN);

    for (const { ws } of [...open.slice(1), again]) ws.close();
  });

  it('refuses a cross-site Origin at upgrade with 403, and accepts its own host, no Origin and a listed origin', async () => {
    const server = await startServer({ allowedOrigins: ['http://dash.example:5173'] });
    const host = `127.0.0.1:${server.port}`;

    expect(await upgradeStatus(server.port, { Origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(server.port, { Origin: 'http://dash.example:5174' })).toBe(403);
    expect(await upgradeStatus(server.port, { Origin: 'null' })).toBe(403);
    const accepted = [
      await connect(server.port, { headers: { Origin: `http://${host}` } }),
      await connect(server.port),
      await connect(server.port, { headers: { Origin: 'http://dash.example:5173' } }),
    ];
    for (const { ws } of accepted) {
      expect(ws.readyState).toBe(WebSocket.OPEN);
      ws.close();
    }
  });

  it('needs the read token on /ws when one is set: 401 without it or with a wrong one, accepted as ?token= or bearer', async () => {
    const server = await startServer({ readToken: 'read-secret' });

    expect(await upgradeStatus(server.port)).toBe(401);
    expect(await upgradeStatus(server.port, { Authorization: 'Bearer wrong' })).toBe(401);
    expect(await upgradeStatus(server.port, {}, '?token=wrong')).toBe(401);
    const byQuery = await connect(server.port, { query: '?token=read-secret' });
    const byHeader = await connect(server.port, { headers: { Authorization: 'Bearer read-secret' } });
    expect(await byQuery.ask({ action: 'subscribe', topic: 'matches' })).toMatchObject({
      type: 'subscribed',
    });
    expect(await byHeader.ask({ action: 'subscribe', topic: 'matches' })).toMatchObject({
      type: 'subscribed',
    });
    byQuery.ws.close();
    byHeader.ws.close();
  });

  it('lets anyone connect without a token when no read token is set', async () => {
    const server = await startServer();
    const { ws } = await connect(server.port);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });
});
