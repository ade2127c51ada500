import pg from 'pg';

export interface StoredRow {
  key: string;
  ts: number;
  type: string;
  matchId: string | null;
  round: number;
  phase: string;
  postRound: boolean;
  flags: unknown;
  payload: unknown;
}

/** Every stored event of a database, in key order, for key-for-key comparisons. */
export async function storedEvents(databaseUrl: string): Promise<StoredRow[]> {
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT server_id, session, seq, idx, (extract(epoch from ts) * 1000)::float8 AS ms, type, match_id,
              round_number, phase, is_post_round, flags, payload
         FROM game_events ORDER BY server_id, session, seq, idx`,
    );
    return rows.map((row) => ({
      key: `${row.server_id}/${row.session}/${row.seq}/${row.idx}`,
      ts: Math.round(row.ms),
      type: row.type,
      matchId: row.match_id,
      round: row.round_number,
      phase: row.phase,
      postRound: row.is_post_round,
      flags: row.flags,
      payload: row.payload,
    }));
  } finally {
    await client.end();
  }
}

/** Polls until `count()` reaches `expected` and stays there (the worker drained). */
export async function waitForCount(
  count: () => Promise<number>,
  expected: number,
  timeoutMs = 90_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  for (;;) {
    last = await count();
    if (last >= expected) return last;
    if (Date.now() > deadline)
      throw new Error(`expected ${expected} rows, have ${last} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function countEvents(databaseUrl: string, serverId?: string): Promise<number> {
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    const { rows } =
      serverId === undefined
        ? await client.query('SELECT count(*)::int AS n FROM game_events')
        : await client.query('SELECT count(*)::int AS n FROM game_events WHERE server_id = $1', [serverId]);
    return rows[0].n as number;
  } finally {
    await client.end();
  }
}

/**
 * Polls until the local worker's checkpoint reaches the stream's head: every record applied and
 * every snapshot the worker put off written (it writes them once the stream is idle).
 */
export async function waitForWorkerCheckpoint(db: pg.Client, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query<{ head: string | null; done: string | null }>(
      `SELECT (SELECT max(id) FROM stream_records WHERE stream = 'raw-game-events')::text AS head,
              (SELECT "offset" FROM stream_offsets WHERE stream = 'raw-game-events' AND consumer = 'worker')::text AS done`,
    );
    if (Number(rows[0]?.done ?? 0) >= Number(rows[0]?.head ?? 0)) return;
    if (Date.now() > deadline)
      throw new Error(`the worker's checkpoint did not reach the head in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
