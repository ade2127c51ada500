import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { storedFormJson } from '../../domain/events/index.ts';
import type { EnrichedEvent } from '../../domain/match/index.ts';
import type {
  DeadLetter,
  EncodedEvents,
  EventStore,
  MatchPatch,
  ServerSnapshot,
  WorkerWrite,
} from '../../ports/index.ts';
import { CopyTextBuffer, copyJson, copyText } from './copy-text.ts';
import { commitPositionsSql } from './partition-ownership.ts';
import { dayStart, EventPartitions } from './partitions.ts';
import { inTransaction, withClient } from './pool.ts';
import { inlineSql, type SqlValue } from './sql-literals.ts';

/**
 * The worker's PostgreSQL writes: every batch in one transaction, events with
 * `ON CONFLICT DO NOTHING` on their stable key, the engine snapshots and (locally) the stream
 * checkpoint alongside, so a crash at any point loses nothing and duplicates nothing.
 */
export class PostgresEventStore implements EventStore {
  private readonly partitions: EventPartitions;

  constructor(private readonly pool: pg.Pool) {
    this.partitions = new EventPartitions(pool);
  }

  async loadSnapshots(serverIds: readonly string[]): Promise<Map<string, ServerSnapshot>> {
    const { rows } = await this.pool.query<{ server_id: string; state: unknown; position: string | null }>(
      'SELECT server_id, state, position FROM match_state WHERE server_id = ANY($1)',
      [serverIds],
    );
    return new Map(
      rows.map((row) => [
        row.server_id,
        { serverId: row.server_id, state: row.state, position: row.position },
      ]),
    );
  }

  encodeEvents(
    events: readonly EnrichedEvent[],
    eventJson: readonly string[],
    after?: EncodedEvents,
  ): EncodedEvents {
    const encoded = encodeCopy(events, eventJson);
    if (!(after instanceof CopyEncodedEvents)) return encoded;
    // COPY text is lines: a batch extended with more records is the two bodies one after the other.
    const body = new Uint8Array(after.body.byteLength + encoded.body.byteLength);
    body.set(after.body);
    body.set(encoded.body, after.body.byteLength);
    return new CopyEncodedEvents(after.count + encoded.count, body, [
      ...new Set([...after.timestamps, ...encoded.timestamps]),
    ]);
  }

  async commit(write: WorkerWrite): Promise<void> {
    const encoded =
      write.encodedEvents instanceof CopyEncodedEvents
        ? write.encodedEvents
        : write.events.length > 0
          ? encodeCopy(write.events, write.eventJson)
          : null;
    if (encoded && encoded.count > 0) await this.partitions.ensureFor(encoded.timestamps);
    const { checkpoint: written } = write;
    // The local stream's offset; a Kafka checkpoint's partitions go with the fence below.
    const checkpoint = written?.partitions === undefined ? written : undefined;
    const copying = encoded !== null && encoded.count > 0;
    // Voided rounds flag the events stored before this batch, never its own (as before the
    // events went first): then the events wait for the voids, and open their savepoint themselves.
    const voiding = write.roundVoids.length > 0;
    const checkpointSql = checkpoint
      ? inlineSql(
          `INSERT INTO stream_offsets (stream, consumer, "offset", updated_at) VALUES ($1, $2, $3, now())
           ON CONFLICT (stream, consumer) DO UPDATE SET "offset" = EXCLUDED."offset", updated_at = now()`,
          [checkpoint.stream, checkpoint.consumer, String(checkpoint.offset)],
        )
      : null;
    // With the stream checkpoint in this very transaction, losing it in a database crash only
    // means reading the same records again from the durable stream: no need to wait for the
    // WAL flush. (With an external checkpoint, e.g. Kinesis, the commit must be durable.)
    const begin = [
      written ? 'SET LOCAL synchronous_commit = off' : '',
      // Kafka: the partition fence runs first, so a batch of a worker fenced out writes nothing.
      written?.partitions === undefined ? '' : commitPositionsSql(written),
    ]
      .filter(Boolean)
      .join('; ');
    // The usual batch (events, no voids, no dead letters) is one round trip: each is a wait for
    // two busy processes to be scheduled.
    if (copying && !voiding && write.deadLetters.length === 0) {
      const statements = writeStatements(write);
      if (checkpointSql !== null) statements.push(checkpointSql);
      await withClient(this.pool, (client) => commitInOneTrip(client, encoded, begin, statements));
      return;
    }
    // Everything after the events goes with COMMIT, values written in: one round trip for the
    // lot instead of one per statement.
    const deferred: string[] = [];
    await inTransaction(
      this.pool,
      async (client) => {
        if (copying && !voiding) await insertEvents(client, encoded);
        for (const { matchId, fromRound, at } of write.roundVoids) {
          await client.query('UPDATE rounds SET voided = true WHERE match_id = $1 AND number >= $2', [
            matchId,
            fromRound,
          ]);
          await client.query(
            `UPDATE game_events SET flags = coalesce(flags, '{}'::jsonb) || '{"voided": true}'::jsonb
            WHERE match_id = $1 AND round_number >= $2 AND ts <= to_timestamp($3 / 1000.0)`,
            [matchId, fromRound, at],
          );
        }
        if (copying && voiding) {
          await client.query('SAVEPOINT copy_events');
          await insertEvents(client, encoded);
        }
        await insertDeadLetters(client, write.deadLetters);
        deferred.push(...writeStatements(write));
      },
      {
        begin: [begin, copying && !voiding ? 'SAVEPOINT copy_events' : ''].filter(Boolean).join('; '),
        // The checkpoint goes with COMMIT: every statement of the batch is a round trip.
        beforeCommit: () => {
          if (checkpointSql !== null) deferred.push(checkpointSql);
          return deferred.length > 0 ? deferred.join(';\n') : undefined;
        },
      },
    );
  }
}

/**
 * The batch's writes other than events, voids and dead letters, in the order they must run
 * (matches before their rounds and players), as statements with their values written in.
 */
function writeStatements(write: WorkerWrite): string[] {
  const statements: string[] = [];
  for (const patch of write.matches) {
    const statement = upsertMatchSql(patch);
    if (statement !== null) statements.push(statement);
  }
  if (write.rounds.length > 0) {
    statements.push(
      inlineSql(
        `INSERT INTO rounds (match_id, number, winner_side, winner_team, reason, score_after, started_at, ended_at, voided)
         SELECT r.m, r.n, r.ws, r.wt, r.re, r.sa, to_timestamp(r.st / 1000.0), to_timestamp(r.et / 1000.0), false
           FROM json_to_recordset($1::json) AS r(m text, n int, ws text, wt text, re text, sa jsonb, st float8, et float8)
         ON CONFLICT (match_id, number) DO UPDATE SET winner_side = EXCLUDED.winner_side,
           winner_team = EXCLUDED.winner_team, reason = EXCLUDED.reason, score_after = EXCLUDED.score_after,
           started_at = EXCLUDED.started_at, ended_at = EXCLUDED.ended_at, voided = false`,
        [
          JSON.stringify(
            write.rounds.map((r) => ({
              m: r.matchId,
              n: r.number,
              ws: r.winnerSide,
              wt: r.winnerTeam,
              re: r.reason,
              sa: r.scoreAfter,
              st: r.startedAt,
              et: r.endedAt,
            })),
          ),
        ],
      ),
    );
  }
  if (write.roundKills !== undefined && write.roundKills.length > 0) {
    statements.push(
      inlineSql(
        `UPDATE rounds SET kills = k.k FROM json_to_recordset($1::json) AS k(m text, n int, k int)
         WHERE rounds.match_id = k.m AND rounds.number = k.n`,
        [JSON.stringify(write.roundKills.map((r) => ({ m: r.matchId, n: r.number, k: r.kills })))],
      ),
    );
  }
  if (write.players.length > 0) {
    statements.push(
      inlineSql(
        `INSERT INTO players (steam_id, name, updated_at)
         SELECT DISTINCT ON (p.s) p.s, p.n, now() FROM json_to_recordset($1::json) AS p(s text, n text)
         ON CONFLICT (steam_id) DO UPDATE SET name = EXCLUDED.name, updated_at = now()`,
        [JSON.stringify(write.players.map((p) => ({ s: p.steamId, n: p.name })))],
      ),
    );
  }
  if (write.matchPlayers.length > 0) {
    statements.push(
      inlineSql(
        `INSERT INTO match_players (match_id, steam_id, team)
         SELECT DISTINCT ON (p.m, p.s) p.m, p.s, p.t FROM json_to_recordset($1::json) AS p(m text, s text, t text)
         ON CONFLICT (match_id, steam_id) DO UPDATE SET team = COALESCE(EXCLUDED.team, match_players.team)`,
        [JSON.stringify(write.matchPlayers.map((p) => ({ m: p.matchId, s: p.steamId, t: p.team })))],
      ),
    );
  }
  for (const { matchId, ...gap } of write.gaps) {
    statements.push(
      inlineSql('UPDATE matches SET gaps = gaps || jsonb_build_array($2::jsonb) WHERE id = $1', [
        matchId,
        JSON.stringify(gap),
      ]),
    );
  }
  if (write.snapshots.length > 0) {
    // One statement for every server of the batch, each state a literal of its own: PostgreSQL
    // checks each JSON text once (a JSON document of them all was parsed whole, then each again).
    const rows = write.snapshots.map((snapshot) =>
      inlineSql('($1, $2, $3, now())', [snapshot.serverId, snapshot.stateJson, snapshot.position]),
    );
    statements.push(
      `INSERT INTO match_state (server_id, state, position, updated_at) VALUES ${rows.join(', ')}
       ON CONFLICT (server_id) DO UPDATE SET state = EXCLUDED.state, position = EXCLUDED.position, updated_at = now()`,
    );
  }
  return statements;
}

const toIso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const EVENT_COLUMNS =
  'ts, server_id, session, seq, idx, match_id, round_number, type, phase, is_post_round, match_tag, flags, payload';

function copyLine({ key, event, enrichment }: EnrichedEvent, payloadJson: string): string {
  const { kill, unknownType, excluded, voidsRoundsFrom } = enrichment;
  const flags =
    kill || unknownType || excluded || voidsRoundsFrom !== undefined
      ? JSON.stringify({ kill, unknownType, excluded, voidsRoundsFrom })
      : null;
  return `${new Date(event.ts).toISOString()}\t${copyText(key.server)}\t${copyText(key.session)}\t${key.seq}\t${key.index}\t${copyText(enrichment.matchId)}\t${enrichment.roundNumber}\t${copyText(event.type)}\t${enrichment.phase}\t${enrichment.isPostRound ? 't' : 'f'}\t${copyText(enrichment.matchTag)}\t${copyText(flags)}\t${copyJson(payloadJson)}\n`;
}

/** A batch's events as COPY text, with the days their partitions must cover. */
class CopyEncodedEvents implements EncodedEvents {
  constructor(
    readonly count: number,
    readonly body: Uint8Array,
    readonly timestamps: readonly number[],
  ) {}
}

function encodeCopy(
  events: readonly EnrichedEvent[],
  eventJson: readonly string[] | undefined,
): CopyEncodedEvents {
  const copy = new CopyTextBuffer(Math.max(1 << 16, events.length * 1_024));
  const timestamps = new Set<number>();
  events.forEach((e, i) => {
    copy.line(copyLine(e, eventJson?.[i] ?? storedFormJson(e.event)));
    timestamps.add(dayStart(e.event.ts));
  });
  // A copy of exactly the bytes written, so the growing buffer can be dropped.
  return new CopyEncodedEvents(events.length, Uint8Array.prototype.slice.call(copy.bytes()), [...timestamps]);
}

/**
 * COPY the batch's events, the fastest way into PostgreSQL. Duplicates cannot normally reach
 * this point (the snapshot that skips applied frames commits with the events); if one is there
 * already (a redelivered batch), the COPY is undone and the rows go through a temporary table
 * with `ON CONFLICT DO NOTHING` instead. Runs right after `SAVEPOINT copy_events`; the savepoint
 * is left for COMMIT to release.
 */
async function insertEvents(client: pg.PoolClient, encoded: CopyEncodedEvents): Promise<void> {
  const { body } = encoded;
  try {
    await pipeline(
      Readable.from([body]),
      client.query(copyFrom(`COPY game_events (${EVENT_COLUMNS}) FROM STDIN`)),
    );
    return;
  } catch (error) {
    await client.query('ROLLBACK TO SAVEPOINT copy_events');
    if ((error as { code?: string }).code !== '23505') throw error;
  }
  await insertEventsSkippingStored(client, encoded);
}

/** Inserts the events through a temporary table, skipping those stored already. */
async function insertEventsSkippingStored(client: pg.PoolClient, encoded: CopyEncodedEvents): Promise<void> {
  const { body } = encoded;
  await client.query(
    'CREATE TEMP TABLE IF NOT EXISTS incoming_events (LIKE game_events INCLUDING DEFAULTS) ON COMMIT DELETE ROWS',
  );
  await pipeline(
    Readable.from([body]),
    client.query(copyFrom(`COPY incoming_events (${EVENT_COLUMNS}) FROM STDIN`)),
  );
  await client.query(
    `INSERT INTO game_events (${EVENT_COLUMNS}) SELECT ${EVENT_COLUMNS} FROM incoming_events ON CONFLICT DO NOTHING`,
  );
  await client.query('TRUNCATE incoming_events');
}

/**
 * A whole batch in one simple-query message: `BEGIN`, the `COPY` (its rows follow as copy data),
 * the other statements and `COMMIT`, which PostgreSQL runs in order. If the COPY meets an event
 * that is stored already (a redelivered batch), the transaction goes on from its savepoint: the
 * events go in skipping those, then the rest. Anything else rolls the batch back.
 */
async function commitInOneTrip(
  client: pg.PoolClient,
  encoded: CopyEncodedEvents,
  begin: string,
  statements: readonly string[],
): Promise<void> {
  const rest = statements.length > 0 ? `${statements.join(';\n')};\n` : '';
  const copy = copyFrom(
    `BEGIN; ${begin ? `${begin}; ` : ''}SAVEPOINT copy_events; COPY game_events (${EVENT_COLUMNS}) FROM STDIN;\n${rest}COMMIT`,
  );
  try {
    await pipeline(Readable.from([encoded.body]), client.query(copy));
    return;
  } catch (error) {
    // Failed after the COPY (its rows counted), or not a duplicate: the batch fails.
    if (copy.rowCount > 0 || (error as { code?: string }).code !== '23505') {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  }
  try {
    await client.query('ROLLBACK TO SAVEPOINT copy_events');
    await insertEventsSkippingStored(client, encoded);
    await client.query(`${rest}COMMIT`);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

const MATCH_COLUMNS = {
  serverId: 'server_id',
  externalId: 'external_id',
  map: 'map',
  tag: 'tag',
  status: 'status',
  teams: 'teams',
  score: 'score',
  startedAt: 'started_at',
  endedAt: 'ended_at',
} as const;

/**
 * The statement that inserts a new match (a patch with every required field) or updates the fields
 * a patch carries, with its values written in; none when the patch changes nothing.
 */
function upsertMatchSql(patch: MatchPatch): string | null {
  const columns: string[] = [];
  const values: SqlValue[] = [patch.id];
  for (const [field, column] of Object.entries(MATCH_COLUMNS) as [keyof typeof MATCH_COLUMNS, string][]) {
    const value = patch[field];
    if (value === undefined) continue;
    columns.push(column);
    if (field === 'teams' || field === 'score') values.push(JSON.stringify(value));
    else if (field === 'startedAt' || field === 'endedAt') values.push(toIso(value as number | null));
    else values.push(value as SqlValue);
  }
  const { serverId, startedAt } = patch;
  const complete = serverId !== undefined && patch.status !== undefined && startedAt !== undefined;
  const sets = columns.map((column, i) => `${column} = $${i + 2}`).concat('updated_at = now()');
  if (complete) {
    const insert = inlineSql(
      `INSERT INTO matches (id, ${columns.join(', ')}) VALUES ($1, ${columns.map((_, i) => `$${i + 2}`).join(', ')})
       ON CONFLICT (id) DO UPDATE SET ${sets.join(', ')}`,
      values,
    );
    return `${insert};\n${abandonOlderMatchesSql(patch.id, serverId, startedAt)}`;
  }
  return columns.length > 0 ? inlineSql(`UPDATE matches SET ${sets.join(', ')} WHERE id = $1`, values) : null;
}

/**
 * A new match on a server ends the matches still in warmup or live that started before it there:
 * abandoned, in the same transaction as the new match's row. The engine already ends the match it
 * replaces; this also ends the ones it cannot know of (a snapshot lost or reset, rows from before
 * the engine did), so no match stays "live" forever.
 */
function abandonOlderMatchesSql(matchId: string, serverId: string, startedAt: number): string {
  return inlineSql(
    `UPDATE matches SET status = 'abandoned', ended_at = COALESCE(ended_at, $3::timestamptz), updated_at = now()
      WHERE server_id = $2 AND id <> $1 AND status IN ('warmup', 'live') AND started_at <= $3::timestamptz`,
    [matchId, serverId, toIso(startedAt)],
  );
}

export async function insertDeadLetters(
  db: pg.Pool | pg.PoolClient,
  letters: readonly DeadLetter[],
): Promise<void> {
  for (const letter of letters) {
    await db.query(
      `INSERT INTO dead_letters (stream, shard, position, partition_key, payload, code, reason, failed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        letter.stream,
        letter.shard,
        letter.position,
        letter.partitionKey,
        Buffer.from(letter.payload),
        letter.code,
        letter.reason,
        new Date(letter.failedAt).toISOString(),
      ],
    );
  }
}
