import { once } from 'node:events';
import { encodeFrame, encodeFrameBase64, type Frame } from '@geqo/shared/domain/codec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestIngestServer, type TestIngestServer } from '../../test/helpers/ingest-server.ts';

let ingest: TestIngestServer;
let pool: TestIngestServer['pool'];
let port: number;
let token: string;
let serverId: string;

beforeAll(async () => {
  ingest = await startTestIngestServer();
  ({ pool, port, token, serverId } = ingest);
});

afterAll(async () => {
  await ingest.close();
});

function frame(seq: number, overrides: Partial<Frame> = {}): Frame {
  return {
    v: 1,
    server: serverId,
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
});
