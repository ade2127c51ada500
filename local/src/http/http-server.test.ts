/**
 * The HTTP server's own guarantees, on a real socket with routes that fail on purpose: an
 * unexpected error is a 500 for that request and one log line (secrets redacted), whether it comes
 * before or after the body was read; the process and the next request are untouched.
 */
import { MemoryConnectionRegistry } from '@geqo/shared/adapters/memory';
import { INTERNAL_ERROR } from '@geqo/shared/app/http-api';
import type { LogFields, Logger } from '@geqo/shared/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardSockets } from './dashboard-sockets.ts';
import { HttpServer } from './http-server.ts';
import { Router, sendJson } from './router.ts';

const lines: { level: string; message: string; fields: LogFields }[] = [];
const logger: Logger = {
  debug: (message, fields = {}) => lines.push({ level: 'debug', message, fields }),
  info: (message, fields = {}) => lines.push({ level: 'info', message, fields }),
  warn: (message, fields = {}) => lines.push({ level: 'warn', message, fields }),
  error: (message, fields = {}) => lines.push({ level: 'error', message, fields }),
  child: () => logger,
};

const SECRET = 'Zk3q9vX0b1yT7mN2pQ8rS4uW6aC5dE0fGhIjKlMnOpQ';
let server: HttpServer;
let base: string;

beforeAll(async () => {
  const router = new Router()
    .on('POST', '/v1/logs/:serverId/:token', async ({ body }) => {
      await body();
      throw new Error('the database went away');
    })
    .on('GET', '/boom', () => {
      throw new TypeError('a bug');
    })
    .on('GET', '/ok', ({ response }) => sendJson(response, 200, { ok: true }));
  const metrics = { count() {}, observe() {} };
  server = new HttpServer(
    router,
    new DashboardSockets(new MemoryConnectionRegistry(), logger, metrics),
    logger,
    {
      maxBodyBytes: 1024,
    },
  );
  base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
});

afterAll(async () => {
  await server?.close();
});

describe('HttpServer', () => {
  it('answers a failure after the body was read with a 500 and one redacted log line', async () => {
    const seen = lines.length;
    const response = await fetch(`${base}/v1/logs/srv_abc123def456/srv_abc123def456.${SECRET}`, {
      method: 'POST',
      body: 'L 1',
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual(INTERNAL_ERROR.body);
    const logged = lines.slice(seen).filter((line) => line.level === 'error');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.fields.path).toBe('/v1/logs/srv_abc123def456/[redacted]');
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  });

  it('answers a handler that throws with a 500 and keeps serving', async () => {
    expect((await fetch(`${base}/boom`)).status).toBe(500);
    expect((await fetch(`${base}/ok`)).status).toBe(200);
  });

  it('answers a body over the configured cap with 413', async () => {
    const response = await fetch(`${base}/v1/logs/srv_abc123def456/x`, {
      method: 'POST',
      body: 'x'.repeat(2048),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('BODY_TOO_LARGE');
  });
});
