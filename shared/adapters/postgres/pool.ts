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
