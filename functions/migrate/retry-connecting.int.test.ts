/**
 * The migrations custom resource waits for a database that is not there yet: `migrate` against a
 * port where nothing listens, with real PostgreSQL put behind that port two seconds later (a TCP
 * relay, as a proxy whose target registers late), succeeds after retries.
 */
import { type AddressInfo, connect, createServer, type Server } from 'node:net';
import { createPool, migrate } from '@geqo/shared/adapters/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { retryConnecting } from './retry-connecting.ts';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** A TCP relay on `port` to the real server: PostgreSQL showing up where the function looks. */
async function relay(port: number, target: URL): Promise<Server> {
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

describe('migrate waits for the database', () => {
  let database: TestDatabase;
  let realUrl: URL;

  beforeAll(async () => {
    database = await createTestDatabase('geqo_fn_migrate_retry');
    realUrl = new URL(database.url);
  });

  afterAll(async () => {
    await database.drop();
  });

  it('retries while nothing listens and migrates once PostgreSQL answers', async () => {
    // Prepare
    const port = await freePort();
    const url = new URL(database.url);
    url.hostname = '127.0.0.1';
    url.port = String(port);
    const pool = createPool(url.toString(), { max: 1 });
    const retries: unknown[] = [];
    let server: Server | undefined;
    const startLater = setTimeout(() => {
      void relay(port, realUrl).then((started) => {
        server = started;
      });
    }, 2_000);
    const started = Date.now();
    try {
      // Act
      const report = await retryConnecting(() => migrate(pool), {
        deadlineMs: 60_000,
        initialDelayMs: 200,
        maxDelayMs: 1_000,
        onRetry: (_attempt, _delay, error) => retries.push(error),
      });
      // Assess
      expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
      expect(retries.length).toBeGreaterThanOrEqual(2);
      expect((retries[0] as { code?: string }).code).toBe('ECONNREFUSED');
      expect(report.current).toBeGreaterThan(0);
      const tables = await pool.query<{ n: string }>(
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'game_events'",
      );
      expect(Number(tables.rows[0]?.n)).toBe(1);
    } finally {
      clearTimeout(startLater);
      await pool.end();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    }
  });

  it('fails at once on an error that is not about connecting (a bad statement)', async () => {
    const pool = createPool(database.url, { max: 1 });
    let attempts = 0;
    try {
      await expect(
        retryConnecting(
          async () => {
            attempts += 1;
            return pool.query('SELEC 1');
          },
          { deadlineMs: 10_000, initialDelayMs: 100, maxDelayMs: 100 },
        ),
      ).rejects.toMatchObject({ code: '42601' });
      expect(attempts).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it('gives up with the connection error once the deadline has passed', async () => {
    const port = await freePort();
    const url = new URL(database.url);
    url.hostname = '127.0.0.1';
    url.port = String(port);
    const pool = createPool(url.toString(), { max: 1 });
    let attempts = 0;
    try {
      await expect(
        retryConnecting(
          async () => {
            attempts += 1;
            return pool.query('SELECT 1');
          },
          { deadlineMs: 1_000, initialDelayMs: 100, maxDelayMs: 200 },
        ),
      ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      expect(attempts).toBeGreaterThan(2);
    } finally {
      await pool.end();
    }
  });
});
