import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { sendInOneTrip } from './one-trip.ts';
import { withClient } from './pool.ts';

/**
 * A TCP relay between pg and PostgreSQL that counts round trips: the times the client sends
 * again after the server has answered.
 */
class RoundTripCounter {
  trips = 0;
  private server: Server | undefined;
  private last: 'client' | 'server' = 'server';

  async start(target: URL): Promise<number> {
    const port = Number(target.port);
    const host = target.hostname === 'localhost' ? '127.0.0.1' : target.hostname;
    this.server = createServer((client: Socket) => {
      const upstream = tcpConnect(port, host);
      client.on('data', (chunk) => {
        if (this.last === 'server') this.trips += 1;
        this.last = 'client';
        upstream.write(chunk);
      });
      upstream.on('data', (chunk) => {
        this.last = 'server';
        client.write(chunk);
      });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.on('error', () => {});
      upstream.on('error', () => {});
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  }

  close(): void {
    this.server?.close();
  }
}

let database: TestDatabase;
let pool: pg.Pool;
const counter = new RoundTripCounter();

beforeAll(async () => {
  database = await createTestDatabase();
  const url = new URL(database.url);
  url.port = String(await counter.start(url));
  url.hostname = '127.0.0.1';
  pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
  await pool.query('CREATE TABLE trip_rows (id int PRIMARY KEY, note text, data bytea)');
});

afterAll(async () => {
  await pool.end();
  counter.close();
  await database.drop();
});

const copyText = (text: string) => new TextEncoder().encode(text);
const rows = async () =>
  (await pool.query<{ id: number; note: string | null }>('SELECT id, note FROM trip_rows ORDER BY id')).rows;

describe('sendInOneTrip', () => {
  it('answers a transaction of statements with parameters and a COPY in one round trip, each step in order', async () => {
    // Arrange: a connection already open (its start-up has round trips of its own)
    await pool.query('SELECT 1');
    await pool.query('TRUNCATE trip_rows');

    // Act
    const trips = await withClient(pool, async (client) => {
      const before = counter.trips;
      await sendInOneTrip(client, [
        { text: 'BEGIN' },
        {
          text: 'INSERT INTO trip_rows (id, note, data) VALUES ($1, $2, $3)',
          values: [1, "it's\ttabbed", Buffer.from([0, 1, 2])],
        },
        { copy: 'COPY trip_rows (id, note) FROM STDIN', body: copyText('2\tfrom copy\n3\t\\N\n') },
        { text: 'UPDATE trip_rows SET note = $2 WHERE id = $1', values: [3, 'after the copy'] },
        { text: 'COMMIT' },
      ]);
      return counter.trips - before;
    });

    // Assert
    expect(trips).toBe(1);
    expect(await rows()).toEqual([
      { id: 1, note: "it's\ttabbed" },
      { id: 2, note: 'from copy' },
      { id: 3, note: 'after the copy' },
    ]);
    const { rows: bytes } = await pool.query<{ data: Buffer }>('SELECT data FROM trip_rows WHERE id = 1');
    expect([...bytes[0]!.data]).toEqual([0, 1, 2]);
  });

  it('throws the first error, runs nothing after it, and leaves the connection usable after ROLLBACK', async () => {
    // Arrange
    await pool.query('TRUNCATE trip_rows');
    await pool.query("INSERT INTO trip_rows (id, note) VALUES (7, 'stored before')");

    // Act: the COPY meets a stored key; the statement after it must not run
    const failure = await withClient(pool, async (client) => {
      try {
        await sendInOneTrip(client, [
          { text: 'BEGIN' },
          {
            text: 'INSERT INTO trip_rows (id, note) VALUES ($1, $2)',
            values: [8, 'in the failed transaction'],
          },
          { copy: 'COPY trip_rows (id, note) FROM STDIN', body: copyText('9\tnew\n7\tduplicate\n') },
          { text: 'INSERT INTO trip_rows (id, note) VALUES ($1, $2)', values: [10, 'after the error'] },
          { text: 'COMMIT' },
        ]);
        return undefined;
      } catch (error) {
        await client.query('ROLLBACK');
        return error as { code?: string };
      }
    });

    // Assert
    expect(failure?.code).toBe('23505');
    expect(await rows()).toEqual([{ id: 7, note: 'stored before' }]);
    await withClient(pool, (client) =>
      sendInOneTrip(client, [
        { text: 'INSERT INTO trip_rows (id, note) VALUES ($1, $2)', values: [11, 'next trip'] },
      ]),
    );
    expect((await rows()).map((row) => row.id)).toEqual([7, 11]);
  });

  it('sends nothing but a Sync when a value cannot be made a parameter, and rejects with why', async () => {
    // Arrange: an object that refers to itself (pg refuses to serialise it)
    await pool.query('TRUNCATE trip_rows');
    const circular: Record<string, unknown> = {};
    circular.self = circular;

    // Act
    const attempt = withClient(pool, (client) =>
      sendInOneTrip(client, [
        { text: 'INSERT INTO trip_rows (id, note) VALUES ($1, $2)', values: [1, 'would be first'] },
        { text: 'INSERT INTO trip_rows (id, note) VALUES ($1, $2::text)', values: [2, circular] },
      ]),
    );

    // Assert
    await expect(attempt).rejects.toThrow(/circular/i);
    expect(await rows()).toEqual([]);
  });

  it("reads a COPY's data from a view into a larger buffer, not the whole buffer", async () => {
    // Arrange
    await pool.query('TRUNCATE trip_rows');
    const whole = copyText('junk line\n5\tfive\nmore junk');
    const view = whole.subarray(10, 17);

    // Act
    await withClient(pool, (client) =>
      sendInOneTrip(client, [{ copy: 'COPY trip_rows (id, note) FROM STDIN', body: view }]),
    );

    // Assert
    expect(await rows()).toEqual([{ id: 5, note: 'five' }]);
  });
});
