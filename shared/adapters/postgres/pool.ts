import pg from 'pg';

// int8 (bigint) columns come back as strings by default; our bigints (offsets, seq) fit in 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export interface PoolOptions {
  max?: number;
  applicationName?: string;
}

/** A `pg` pool with the settings every Geqo process uses. */
export function createPool(connectionString: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'geqo',
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
  });
  // An idle client that loses its server (restart, network) must not crash the process; the
  // next query fails and is retried by its caller.
  pool.on('error', () => {});
  return pool;
}

/**
 * Checks a client out for `work` and gives it back. While checked out, a client whose server goes
 * away between two queries emits `error`; unheard, that would end the process. It is heard here,
 * the next query fails with it, and the broken client is destroyed instead of pooled.
 */
export async function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    return await work(client);
  } catch (error) {
    if (broken === undefined && error instanceof Error && isConnectionError(error)) broken = error;
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/** The connection itself failed (not just a statement): the client must not go back to the pool. */
function isConnectionError(error: Error): boolean {
  const code = (error as { code?: string }).code ?? '';
  return (
    code.startsWith('08') ||
    code === '57P01' ||
    code === 'ECONNRESET' ||
    code === 'ECONNREFUSED' ||
    /terminat|Connection/.test(error.message)
  );
}

/** Runs `work` in a transaction on one client, rolling back on error. */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  options: {
    /** Statements (no parameters) sent with BEGIN in one round trip, e.g. `SET LOCAL …`. */
    begin?: string;
  } = {},
): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query(options.begin ? `BEGIN; ${options.begin}` : 'BEGIN');
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  });
}

/** A parameterized statement: `text` with `$1`, `$2`… and their values. */
export interface QueryStatement {
  text: string;
  values?: unknown[];
}

/**
 * Runs `statements` in order on `client`, sent together (pg's pipeline mode, on for this call
 * only) rather than each after the answer to the one before: one round trip for them all. Under
 * load each round trip is a wait for two busy processes to be scheduled, about 0.7 ms at p50 on
 * the bench machine. Every statement still gets its own answer; after a failure the rest fail
 * too (the transaction is aborted), and the first failure is thrown once all have answered.
 *
 * pg documents `pipeline` as an option of a new client; here it is switched on a pooled client
 * for one call and off once every answer is in (pg 8 reads it at each query). A COPY cannot be
 * pipelined: the caller runs it between two calls of this. `postgres.int.test.ts` checks that a
 * connection commits again after a failed call.
 *
 * To turn it off, send them one by one: `for (const s of statements) await client.query(s)`.
 */
export async function queryTogether(
  client: pg.PoolClient,
  statements: readonly QueryStatement[],
): Promise<void> {
  const connection = client as unknown as { pipeline: boolean };
  connection.pipeline = true;
  try {
    const answers = await Promise.allSettled(statements.map((statement) => client.query(statement)));
    const failed = answers.find((answer) => answer.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    connection.pipeline = false;
  }
}
