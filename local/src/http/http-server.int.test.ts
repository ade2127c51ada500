/**
 * The HTTP port of `geqo up` as a stranger on the network meets it: the real runtime (in this
 * process, so its log lines can be read) on a real PostgreSQL, spoken to over real sockets.
 * Nothing sent here may stop the process, reach the database unchecked, or leave a secret in a log.
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type { LogFields, Logger } from '@geqo/shared/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { loadConfig } from '../config.ts';
import { type Runtime, startRuntime } from '../runtime.ts';

interface LogLine {
  level: string;
  message: string;
  fields: LogFields;
}

/** A logger that keeps every line, children included, for the redaction checks. */
function capturingLogger(lines: LogLine[], bound: LogFields = {}): Logger {
  const at =
    (level: string) =>
    (message: string, fields: LogFields = {}) =>
      lines.push({ level, message, fields: { ...bound, ...fields } });
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (fields) => capturingLogger(lines, { ...bound, ...fields }),
  };
}

async function startOn(database: TestDatabase, lines: LogLine[], env: Record<string, string> = {}) {
  const config = loadConfig({
    DATABASE_URL: database.url,
    GEQO_HOST: '127.0.0.1',
    GEQO_HTTP_PORT: '0',
    GEQO_INGEST_PORT: '0',
    GEQO_WORKER_THREAD: 'off',
    ...env,
  });
  return startRuntime(config, capturingLogger(lines));
}

/** Sends raw bytes and reads whatever comes back until the server closes (or a second passes). */
function rawExchange(port: number, bytes: string | Buffer, options: { endAfterMs?: number } = {}) {
  return new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      resolve(Buffer.concat(received).toString('latin1'));
    };
    const timer = setTimeout(() => {
      socket.destroy();
      done();
    }, options.endAfterMs ?? 1_000);
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('close', done);
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.write(bytes);
  });
}

let database: TestDatabase;
let guarded: TestDatabase;
let runtime: Runtime;
let tokenRuntime: Runtime;
const lines: LogLine[] = [];
let api: string;

beforeAll(async () => {
  [database, guarded] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  [runtime, tokenRuntime] = await Promise.all([
    startOn(database, lines),
    startOn(guarded, [], {
      GEQO_READ_TOKEN: 'read-token-for-tests',
      GEQO_ADMIN_TOKEN: 'admin-token-for-tests',
    }),
  ]);
  api = `http://127.0.0.1:${runtime.httpPort}`;
});

afterAll(async () => {
  await Promise.all([runtime?.stop(), tokenRuntime?.stop()]);
  await Promise.all([database?.drop(), guarded?.drop()]);
});

const json = { 'Content-Type': 'application/json' };

async function addServer(name: string): Promise<{ serverId: string; token: string }> {
  const created = await fetch(`${api}/v1/servers`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ name }),
  });
  expect(created.status).toBe(201);
  return (await created.json()) as { serverId: string; token: string };
}

async function serverCount(): Promise<number> {
  const listed = (await (await fetch(`${api}/v1/servers`)).json()) as { servers: unknown[] };
  return listed.servers.length;
}

async function stillServing(): Promise<void> {
  const health = await fetch(`${api}/healthz`);
  expect(health.status).toBe(200);
}

describe('requests that cannot be parsed', () => {
  it('answers 400 to a request line whose URL cannot be parsed, and keeps serving', async () => {
    const answer = await rawExchange(runtime.httpPort, 'GET http://[ HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('BAD_URL');
    await stillServing();
  });

  it('answers 400 to an upgrade whose URL cannot be parsed, and keeps serving', async () => {
    const answer = await rawExchange(
      runtime.httpPort,
      'GET http://[ HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    await stillServing();
  });

  it('survives an upgrade to an unknown path whose client resets at once', async () => {
    const socket = connect(runtime.httpPort, '127.0.0.1');
    socket.on('error', () => {});
    socket.write(
      'GET /nope HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
    );
    socket.resetAndDestroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await stillServing();
  });

  it.each([
    ['a line that is not HTTP', 'HELLO THERE\r\n\r\n'],
    ['a bad header line', 'GET / HTTP/1.1\r\nHost x\r\n\r\n'],
    ['a NUL in the request line', 'GET /v1/\u0000 HTTP/1.1\r\nHost: localhost\r\n\r\n'],
    [
      'a bad chunk size',
      'POST /v1/servers HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n',
    ],
  ])('answers malformed HTTP (%s) with 400 and keeps serving', async (_name, bytes) => {
    const answer = await rawExchange(runtime.httpPort, bytes);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    await stillServing();
  });
});

describe('request bodies over the cap', () => {
  it('answers 413 at once to a Content-Length over the cap, then closes', async () => {
    const before = await serverCount();
    const answer = await rawExchange(
      runtime.httpPort,
      'POST /v1/servers HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${20 * 1024 * 1024}\r\n\r\n{"name":"`,
      { endAfterMs: 5_000 },
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(answer).toContain('"code":"BODY_TOO_LARGE"');
    expect(await serverCount()).toBe(before);
  });

  it('answers 413 to a chunked body that grows over the cap, instead of a reset', async () => {
    const answer = await new Promise<{ status: number; body: string; connection: string | undefined }>(
      (resolve, reject) => {
        const request = httpRequest(
          { host: '127.0.0.1', port: runtime.httpPort, method: 'POST', path: '/v1/servers', headers: json },
          (response) => {
            let body = '';
            response.on('data', (chunk: Buffer) => {
              body += chunk.toString('utf8');
            });
            response.on('end', () =>
              resolve({ status: response.statusCode ?? 0, body, connection: response.headers.connection }),
            );
          },
        );
        request.on('error', reject);
        const chunk = Buffer.alloc(256 * 1024, 0x61);
        request.write('{"name":"');
        for (let i = 0; i < 12; i++) request.write(chunk);
        request.end('"}');
      },
    );
    expect(answer.status).toBe(413);
    expect(answer.connection).toBe('close');
    expect(JSON.parse(answer.body)).toEqual({
      error: { code: 'BODY_TOO_LARGE', message: expect.stringContaining('over') },
    });
    await stillServing();
  });
});

describe('hostile parameters', () => {
  const MATCH = 'm_0123456789abcdef';
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const hostileIds = [
    '%00',
    'a%00b',
    '%0A',
    '%7F',
    'x'.repeat(300),
    '%E0%A4%A',
    '%20',
    '%F0%9F%92%A9',
    '%27%3B%20DROP%20TABLE%20matches%3B--',
  ];
  const hostileNumbers = ['%00', '-1', '1.5', '1e3', '99999999999999999999', 'abc', '0x10', 'Infinity'];
  const hostileWords = ['%00', 'a%00b', '%0A', 'x'.repeat(300), '%F0%9F%92%A9', 'kill%20or'];
  const hostileCursors = [
    'garbage!!',
    '%00',
    'x'.repeat(5_000),
    b64([1e20, 's', 's', 1, 0]),
    b64([1, 's', 's', 1e300, 0]),
    b64([1, 's', 's', 1, 2 ** 40]),
    b64([1.5, 's', 's', 1, 0]),
    b64([-1, 's', 's', 1, 0]),
    b64([1, 'a\u0000b', 's', 1, 0]),
    b64([1, 's', 's\u0000', 1, 0]),
    b64([1, 's', 's', 1]),
    b64({ ts: 1 }),
  ];
  const hostileFlags = ['%00', 'maybe', 'TRUE1'];
  const admin = { 'X-Geqo-Admin': '1' };

  type Case = [method: string, path: string, headers?: Record<string, string>];
  const cases: Case[] = [
    ...hostileIds.flatMap((id): Case[] => [
      ['GET', `/v1/matches/${id}`],
      ['GET', `/v1/matches/${id}/rounds`],
      ['GET', `/v1/matches/${id}/events`],
      ['GET', `/v1/matches/${id}/summary`],
      ['GET', `/v1/players/${id}`],
      ['GET', `/v1/matches?server=${id}`],
      ['DELETE', `/v1/servers/${id}`, admin],
      ['POST', `/v1/dead-letters/${id}/replay`, admin],
      ['POST', `/@connections/${id}`],
      ['GET', `/@connections/${id}`],
    ]),
    ...['0', '-5', '1.0', '9007199254740993', '1e2'].map(
      (id): Case => ['POST', `/v1/dead-letters/${id}/replay`, admin],
    ),
    ...hostileNumbers.flatMap((n): Case[] => [
      ['GET', `/v1/matches?limit=${n}`],
      ['GET', `/v1/matches/${MATCH}/events?limit=${n}`],
      ['GET', `/v1/matches/${MATCH}/events?round=${n}`],
      ['GET', `/v1/dead-letters?limit=${n}`],
      ['GET', `/v1/dead-letters?before=${n}`],
    ]),
    ...hostileWords.flatMap((word): Case[] => [
      ['GET', `/v1/matches?status=${word}`],
      ['GET', `/v1/matches/${MATCH}/events?type=${word}`],
    ]),
    ...hostileCursors.map((cursor): Case => ['GET', `/v1/matches/${MATCH}/events?after=${cursor}`]),
    ...hostileFlags.flatMap((flag): Case[] => [
      ['GET', `/v1/matches/${MATCH}/rounds?voided=${flag}`],
      ['GET', `/v1/dead-letters?pending=${flag}`],
      ['POST', `/v1/dead-letters/1/replay?force=${flag}`, admin],
    ]),
  ];

  it.each(cases)('%s %s is a 400 with a code, never a 500', async (method, path, headers = {}) => {
    const response = await fetch(`${api}${path}`, { method, headers });
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    expect(response.status, JSON.stringify(body)).toBe(400);
    expect(body.error?.code).toMatch(/^BAD_[A-Z]+$/);
    expect(typeof body.error?.message).toBe('string');
  });

  const ingestCases: [string, string, Record<string, string>][] = [
    ...hostileIds.flatMap((value): [string, string, Record<string, string>][] => [
      ['POST', `/v1/logs/${value}/${value}`, {}],
      ['POST', `/v1/logs/srv_0123456789ab/${value}`, {}],
      ['GET', `/assets/${value}`, {}],
    ]),
    ...[
      'x'.repeat(5_000),
      `srv_0123456789ab.${'y'.repeat(43)}`,
      "srv_'; DROP TABLE servers;--.x",
      'Bearer',
    ].map((token): [string, string, Record<string, string>] => [
      'POST',
      '/v1/webhooks/matchzy',
      { Authorization: `Bearer ${token}` },
    ]),
  ];

  it.each(ingestCases)(
    '%s %s (game server and dashboard routes) is refused, never a 500',
    async (method, path, headers) => {
      const response = await fetch(`${api}${path}`, {
        method,
        headers,
        ...(method === 'POST' ? { body: 'x' } : {}),
      });
      expect([400, 401, 404]).toContain(response.status);
    },
  );

  it('answers a cursor it did not hand out with BAD_CURSOR, not the first page', async () => {
    const response = await fetch(`${api}/v1/matches/${MATCH}/events?after=not-a-cursor`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('BAD_CURSOR');
  });

  it('still answers well-formed requests after every hostile one', async () => {
    const unknown = await fetch(`${api}/v1/matches/${MATCH}`);
    expect(unknown.status).toBe(404);
    const page = await fetch(`${api}/v1/matches/${MATCH}/events?type=player_death&round=3&limit=10`);
    expect(page.status).toBe(200);
    expect(await page.json()).toEqual({ matchId: MATCH, events: [], next: null });
    const player = await fetch(`${api}/v1/players/BOT:Vitality%20Fan`);
    expect(player.status).toBe(404);
    expect(lines.filter((line) => line.level === 'error')).toEqual([]);
  });
});

describe('the API Gateway Management API emulation', () => {
  it('takes posts from this machine (an unknown connection is gone, as on AWS)', async () => {
    const response = await fetch(`${api}/@connections/00000000-0000-4000-8000-000000000000`, {
      method: 'POST',
      body: '{"type":"hello"}',
    });
    expect(response.status).toBe(410);
    expect(response.headers.get('x-amzn-errortype')).toBe('GoneException');
  });
});

describe('cross-site requests to admin routes', () => {
  it('refuses a text/plain POST (what any page can make a browser send) and creates nothing', async () => {
    const before = await serverCount();
    const response = await fetch(`${api}/v1/servers`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify({ name: 'csrf' }),
    });
    expect(response.status).toBe(415);
    const form = await fetch(`${api}/v1/servers`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'name=csrf',
    });
    expect(form.status).toBe(415);
    expect(await serverCount()).toBe(before);
  });

  it('refuses a JSON POST that carries another site as its Origin', async () => {
    const before = await serverCount();
    const response = await fetch(`${api}/v1/servers`, {
      method: 'POST',
      headers: { ...json, Origin: 'http://evil.example' },
      body: JSON.stringify({ name: 'csrf' }),
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('CROSS_ORIGIN');
    expect(await serverCount()).toBe(before);
  });

  it("refuses a bodiless replay without the admin header, and lets the CLI's through", async () => {
    const bare = await fetch(`${api}/v1/dead-letters/424242/replay`, { method: 'POST' });
    expect(bare.status).toBe(403);
    const asCli = await fetch(`${api}/v1/dead-letters/424242/replay`, {
      method: 'POST',
      headers: { 'X-Geqo-Admin': '1' },
    });
    expect(asCli.status).toBe(404);
  });

  it('refuses a loopback POST addressed to another name (a DNS-rebound page), and creates nothing', async () => {
    const before = await serverCount();
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port: runtime.httpPort,
          method: 'POST',
          path: '/v1/servers',
          headers: {
            ...json,
            Host: `rebound.example:${runtime.httpPort}`,
            Origin: `http://rebound.example:${runtime.httpPort}`,
          },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', reject);
      request.end(JSON.stringify({ name: 'rebound' }));
    });
    expect(status).toBe(401);
    expect(await serverCount()).toBe(before);
  });

  it('creates a server from a JSON POST, from its own origin or none', async () => {
    const before = await serverCount();
    await addServer('plain json');
    const sameOrigin = await fetch(`${api}/v1/servers`, {
      method: 'POST',
      headers: { ...json, Origin: api },
      body: JSON.stringify({ name: 'same origin' }),
    });
    expect(sameOrigin.status).toBe(201);
    expect(await serverCount()).toBe(before + 2);
  });
});

describe('the read token', () => {
  const guardedApi = () => `http://127.0.0.1:${tokenRuntime.httpPort}`;

  it('with GEQO_READ_TOKEN set, answers REST reads 401 without it and 200 with it', async () => {
    for (const path of [
      '/v1/matches',
      '/v1/matches/m_0123456789abcdef/events',
      '/v1/players/76561198081484775',
    ]) {
      expect((await fetch(`${guardedApi()}${path}`)).status, path).toBe(401);
      expect(
        (await fetch(`${guardedApi()}${path}`, { headers: { Authorization: 'Bearer wrong' } })).status,
        path,
      ).toBe(401);
    }
    const withHeader = await fetch(`${guardedApi()}/v1/matches`, {
      headers: { Authorization: 'Bearer read-token-for-tests' },
    });
    expect(withHeader.status).toBe(200);
    const withQuery = await fetch(`${guardedApi()}/v1/matches?token=read-token-for-tests`);
    expect(withQuery.status).toBe(200);
    const unknownMatch = await fetch(
      `${guardedApi()}/v1/matches/m_0123456789abcdef?token=read-token-for-tests`,
    );
    expect(unknownMatch.status).toBe(404);
  });

  it("keeps /healthz, /metrics and the dashboard's files open", async () => {
    for (const path of ['/healthz', '/metrics', '/config.json']) {
      expect((await fetch(`${guardedApi()}${path}`)).status, path).toBe(200);
    }
  });

  it('serves the OpenAPI document without the read token, which lists it as the way to read', async () => {
    // Act
    const response = await fetch(`${guardedApi()}/v1/openapi.json`);
    const document = (await response.json()) as {
      paths: Record<string, { get?: { security?: object[] } }>;
    };
    // Assess
    expect(response.status).toBe(200);
    expect(document.paths['/v1/matches']?.get?.security).toContainEqual({ readToken: [] });
  });

  it('without GEQO_READ_TOKEN, leaves REST reads open', async () => {
    expect((await fetch(`${api}/v1/matches`)).status).toBe(200);
  });
});

describe('secrets in logs', () => {
  it('logs an aborted log POST without the server token', async () => {
    const { serverId, token } = await addServer('redaction');
    const secret = token.slice(token.indexOf('.') + 1);
    const seen = lines.length;
    const socket = connect(runtime.httpPort, '127.0.0.1');
    socket.on('error', () => {});
    socket.write(
      `POST /v1/logs/${serverId}/${token}?token=${secret} HTTP/1.1\r\nHost: localhost\r\n` +
        `Authorization: Bearer ${secret}\r\nContent-Length: 100000\r\n\r\nL 02/09/2026 - 18:00:00: "`,
    );
    // Let the route authenticate and start reading the body, then go away mid-body.
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.destroy();
    const deadline = Date.now() + 5_000;
    while (!lines.slice(seen).some((line) => line.message.includes('aborted')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const logged = lines.slice(seen);
    expect(JSON.stringify(lines)).not.toContain(secret);
    expect(logged.map((line) => line.message)).toContain('request aborted by the client');
    expect(JSON.stringify(logged)).toContain(`/v1/logs/${serverId}/[redacted]`);
    await stillServing();
  });
});
