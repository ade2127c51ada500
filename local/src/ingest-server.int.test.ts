import { once } from 'node:events';
import { createPool, PostgresServerRepository } from '@geqo/shared/adapters/postgres';
import { ServerRegistry } from '@geqo/shared/app/servers';
import { encodeFrame, encodeFrameBase64, type Frame } from '@geqo/shared/domain/codec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestHttpServer, type TestHttpServer } from '../../test/helpers/http-server.ts';
import { startTestIngestServer, type TestIngestServer } from '../../test/helpers/ingest-server.ts';

let ingest: TestIngestServer;
let pool: TestIngestServer['pool'];
let port: number;
let token: string;
let serverId: string;
/** The REST API on the same database and server registry, as `geqo up` wires them. */
let http: TestHttpServer;

beforeAll(async () => {
  ingest = await startTestIngestServer();
  ({ pool, port, token, serverId } = ingest);
  http = await startTestHttpServer({ pool, servers: ingest.servers });
});

afterAll(async () => {
  await http.close();
  await ingest.close();
});

function frame(seq: number, overrides: Partial<Frame> = {}): Frame {
  return {
    v: 1,
    server: overrides.server ?? serverId,
    session: 'boot-1',
    seq,
    sentAt: 1_779_040_800_000,
    events: Array.from({ length: 20 }, (_, i) => ({
      type: 'player_footstep' as const,
      ts: 1_779_040_800_000 + i,
      steamId: '76561198081484775',
      pos: [1, 2, 3] as [number, number, number],
    })),
    ...overrides,
  };
}

async function connect(headers: Record<string, string> = { Authorization: `Bearer ${token}` }, query = '') {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/${query}`, { headers });
  const replies: Record<string, unknown>[] = [];
  ws.on('message', (data) => replies.push(JSON.parse(String(data))));
  await once(ws, 'open');
  const next = async () => {
    while (replies.length === 0) await new Promise((r) => setTimeout(r, 5));
    return replies.shift()!;
  };
  return { ws, next };
}

async function refusedStatus(headers: Record<string, string>, query = ''): Promise<number> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/${query}`, { headers });
  ws.on('error', () => {});
  const [, response] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
  ws.terminate();
  return response.statusCode;
}

describe('plugin ingest server', () => {
  it('refuses a missing, malformed or wrong token at connect with 401', async () => {
    expect(await refusedStatus({})).toBe(401);
    expect(await refusedStatus({ Authorization: 'Bearer nonsense' })).toBe(401);
    expect(await refusedStatus({ Authorization: `Bearer ${serverId}.${'x'.repeat(43)}` })).toBe(401);
  });

  it('accepts the token from the query string as a fallback', async () => {
    const { ws, next } = await connect({}, `?token=${encodeURIComponent(token)}`);
    ws.send(encodeFrame(frame(1, { session: 'query' })));
    expect(await next()).toEqual({ type: 'ack', seq: 1 });
    ws.close();
  });

  it('reads the bearer token as the AWS authorizer does: any case, a tab after the scheme, else ?token=', async () => {
    const byTab = await connect({ Authorization: `bearer\t${token}` });
    byTab.ws.send(encodeFrame(frame(1, { session: 'bearer-tab' })));
    expect(await byTab.next()).toEqual({ type: 'ack', seq: 1 });
    byTab.ws.close();
    const besideBasic = await connect(
      { Authorization: 'Basic dXNlcjpwYXNz' },
      `?token=${encodeURIComponent(token)}`,
    );
    besideBasic.ws.send(encodeFrame(frame(1, { session: 'beside-basic' })));
    expect(await besideBasic.next()).toEqual({ type: 'ack', seq: 1 });
    besideBasic.ws.close();
  });

  it('acks binary and base64 frames only once they are on the stream', async () => {
    const { ws, next } = await connect();
    ws.send(encodeFrame(frame(1)));
    expect(await next()).toEqual({ type: 'ack', seq: 1 });
    ws.send(encodeFrameBase64(frame(2)));
    expect(await next()).toEqual({ type: 'ack', seq: 2 });
    const { rows } = await pool.query(
      "SELECT partition_key, length(data) AS bytes FROM stream_records WHERE stream = 'raw' ORDER BY id",
    );
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.every((row) => row.partition_key === serverId)).toBe(true);
    ws.close();
  });

  it('answers a malformed frame with its code and keeps the connection usable', async () => {
    const { ws, next } = await connect();
    ws.send(Buffer.from([0xc1, 0x00, 0x01]));
    expect(await next()).toMatchObject({ type: 'error', code: 'BAD_MSGPACK' });
    ws.send('!!! not base64 !!!');
    expect(await next()).toMatchObject({ type: 'error', code: 'BAD_BASE64' });
    ws.send(encodeFrame({ ...frame(3), events: [{ type: 'player_death', ts: 1 } as never] }));
    expect(await next()).toMatchObject({ type: 'error', code: 'SCHEMA', seq: 3 });
    ws.send('A'.repeat(97 * 1024));
    expect(await next()).toMatchObject({ type: 'error', code: 'FRAME_TOO_LARGE' });
    ws.send(encodeFrame(frame(3)));
    expect(await next()).toEqual({ type: 'ack', seq: 3 });
    ws.close();
  });

  it('refuses a frame that names another server', async () => {
    const { ws, next } = await connect();
    ws.send(encodeFrame(frame(4, { server: 'srv_bbbbbbbbbbbb' })));
    expect(await next()).toMatchObject({ type: 'error', code: 'SERVER_MISMATCH', seq: 4 });
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });

  it('refuses a revoked token at connect', async () => {
    const revoked = await ingest.servers.add('old server');
    await ingest.servers.revoke(revoked.serverId);
    expect(await refusedStatus({ Authorization: `Bearer ${revoked.token}` })).toBe(401);
  });

  it('answers a text frame that is not UTF-8 with BAD_ENCODING and keeps the connection', async () => {
    const { ws, next } = await connect();

    ws.send(Buffer.from([0x41, 0xff, 0xfe, 0x41]), { binary: false });
    expect(await next()).toMatchObject({ type: 'error', code: 'BAD_ENCODING' });
    ws.send(encodeFrameBase64(frame(1, { session: 'utf8' })));
    expect(await next()).toEqual({ type: 'ack', seq: 1 });
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });

  it('answers text and binary messages over 32 KiB as base64 with FRAME_TOO_LARGE and keeps the connection', async () => {
    const { ws, next } = await connect();

    ws.send('A'.repeat(32 * 1024 + 4));
    expect(await next()).toMatchObject({ type: 'error', code: 'FRAME_TOO_LARGE' });
    ws.send(Buffer.alloc(24 * 1024 + 1)); // 32,772 chars as base64
    expect(await next()).toMatchObject({ type: 'error', code: 'FRAME_TOO_LARGE' });
    ws.send('A'.repeat(900 * 1024)); // far over, yet under the socket's 1 MiB cut
    expect(await next()).toMatchObject({ type: 'error', code: 'FRAME_TOO_LARGE' });
    ws.send(encodeFrame(frame(1, { session: 'sizes' })));
    expect(await next()).toEqual({ type: 'ack', seq: 1 });
    ws.close();
  });

  it('closes the socket with 1009 only for a message over 1 MiB, text or binary', async () => {
    for (const message of ['A'.repeat(1024 * 1024 + 1), Buffer.alloc(1024 * 1024 + 1)]) {
      const { ws } = await connect();
      const closed = once(ws, 'close') as Promise<[number, Buffer]>;
      ws.send(message);
      const [code] = await closed;
      expect(code).toBe(1009);
    }
  });
});

describe('plugin sockets of a revoked server', () => {
  /** The socket's close code and reason, or a rejection if it is still open after 2 s. */
  const closeOf = (ws: WebSocket) =>
    Promise.race([
      once(ws, 'close') as Promise<[number, Buffer]>,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('socket still open after 2 s')), 2_000),
      ),
    ]);
  async function addServer(name: string) {
    const added = await ingest.servers.add(name);
    const plugin = await connect({ Authorization: `Bearer ${added.token}` });
    return { ...added, ...plugin, closed: closeOf(plugin.ws) };
  }
  const storedFrames = async (id: string) =>
    Number(
      (
        await pool.query(
          "SELECT count(*) AS n FROM stream_records WHERE stream = 'raw' AND partition_key = $1",
          [id],
        )
      ).rows[0].n,
    );

  it('closes an open socket within a second of DELETE /v1/servers/{id} (1008 "server revoked"); a reconnect gets 401', async () => {
    const server = await addServer('revoked over REST');
    server.ws.send(encodeFrame(frame(1, { server: server.serverId, session: 'rest' })));
    expect(await server.next()).toEqual({ type: 'ack', seq: 1 });

    const revokedAt = Date.now();
    const response = await fetch(`http://127.0.0.1:${http.port}/v1/servers/${server.serverId}`, {
      method: 'DELETE',
      // A bodiless admin request shows it is not a cross-site form (see server-auth.ts).
      headers: { 'x-geqo-admin': '1' },
    });
    expect(response.status).toBe(200);
    const [code, reason] = await server.closed;

    expect(Date.now() - revokedAt).toBeLessThan(1_000);
    expect(code).toBe(1008);
    expect(reason.toString()).toBe('server revoked');
    expect(await refusedStatus({ Authorization: `Bearer ${server.token}` })).toBe(401);
  });

  it('closes the sockets within a second when another process sharing the database revokes the server', async () => {
    const server = await addServer('revoked elsewhere');
    const second = await connect({ Authorization: `Bearer ${server.token}` });
    const secondClosed = closeOf(second.ws);
    // Another `geqo up` or `geqo server revoke`: its own pool and registry, no hook into this process.
    const otherPool = createPool(ingest.databaseUrl);
    try {
      const revokedAt = Date.now();
      expect(await new ServerRegistry(new PostgresServerRepository(otherPool)).revoke(server.serverId)).toBe(
        true,
      );
      const [[code, reason], [secondCode]] = await Promise.all([server.closed, secondClosed]);

      expect(Date.now() - revokedAt).toBeLessThan(1_000);
      expect(code).toBe(1008);
      expect(reason.toString()).toBe('server revoked');
      expect(secondCode).toBe(1008);
    } finally {
      await otherPool.end();
    }
  });

  it('neither acks nor stores a frame sent after the revocation', async () => {
    const server = await addServer('frames after revocation');
    server.ws.send(encodeFrame(frame(1, { server: server.serverId, session: 'after' })));
    expect(await server.next()).toEqual({ type: 'ack', seq: 1 });

    await ingest.servers.revoke(server.serverId);
    // The client has not read the close frame yet: its socket still sends.
    expect(server.ws.readyState).toBe(WebSocket.OPEN);
    server.ws.send(encodeFrame(frame(2, { server: server.serverId, session: 'after' })));
    await server.closed.catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(await storedFrames(server.serverId)).toBe(1);
  });
});
