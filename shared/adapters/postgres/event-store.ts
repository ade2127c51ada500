import type pg from 'pg';
import type { EnrichedEvent } from '../../domain/match/index.ts';
import type {
  DeadLetter,
  EncodedEvents,
  EventStore,
  MatchPatch,
  ServerSnapshot,
  WorkerWrite,
} from '../../ports/index.ts';
import { CopyEncodedEvents, EVENT_COLUMNS, encodeEventsAsCopy } from './copy-binary.ts';
import { sendInOneTrip, type TripStep } from './one-trip.ts';
import { commitPositionsStatement } from './partition-ownership.ts';
import { EventPartitions } from './partitions.ts';
import { type QueryStatement, withClient } from './pool.ts';

/**
 * The worker's PostgreSQL writes. {@link PostgresEventStore.commit} writes a whole batch in one
 * transaction, in this order:
 *
 * 1. round voids: flag the rounds and events stored *before* this batch (never its own);
 * 2. the events, by COPY (a redelivered batch: again, skipping the events stored already);
 * 3. dead letters, matches, rounds, round kills, players, match players, gaps, the engine
 *    snapshots and (locally) the stream checkpoint, each a parameterized statement.
 *
 * So a crash at any point loses nothing and duplicates nothing: either all of it is stored, with
 * the snapshots that say which frames are applied, or none of it.
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

  /**
   * The events as COPY text, made when a batch is prepared (not when it is committed): a batch
   * waiting for its commit then holds bytes, not thousands of objects for the garbage collector
   * to copy. With `after`, those events then these.
   */
  encodeEvents(
    events: readonly EnrichedEvent[],
    eventJson: readonly string[],
    after?: EncodedEvents,
  ): EncodedEvents {
    const encoded = encodeEventsAsCopy(events, eventJson);
    return after instanceof CopyEncodedEvents ? after.concat(encoded) : encoded;
  }

  async commit(write: WorkerWrite): Promise<void> {
    const events =
      write.encodedEvents instanceof CopyEncodedEvents
        ? write.encodedEvents
        : encodeEventsAsCopy(write.events, write.eventJson);
    if (events.count > 0) await this.partitions.ensureFor(events.days);
    // With the stream checkpoint in this very transaction, losing it in a database crash only
    // means reading the same records again from the durable stream: no need to wait for the
    // WAL flush. (With an external checkpoint, e.g. Kinesis, the commit must be durable.)
    const begin: QueryStatement[] = [{ text: 'BEGIN' }];
    if (write.checkpoint) begin.push({ text: 'SET LOCAL synchronous_commit = off' });
    const copyInto = (table: string) => ({
      copy: `COPY ${table} (${EVENT_COLUMNS}) FROM STDIN WITH (FORMAT binary)`,
      body: events.chunks(),
    });
    const inOneTransaction = (insertEvents: TripStep[]) =>
      withClient(this.pool, async (client) => {
        try {
          await sendInOneTrip(client, [
            ...begin,
            ...voidStatements(write),
            ...(events.count > 0 ? insertEvents : []),
            ...rowStatements(write),
            { text: 'COMMIT' },
          ]);
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        }
      });
    try {
      // COPY: the fastest way into PostgreSQL, but it stops at an event stored already.
      await inOneTransaction([copyInto('game_events')]);
    } catch (error) {
      // Duplicates cannot normally reach the COPY (the snapshot that skips applied frames commits
      // with the events). A redelivered batch whose events are stored already: again, through a
      // temporary table, skipping those.
      if ((error as { code?: string }).code !== '23505') throw error;
      await inOneTransaction([
        {
          text: 'CREATE TEMP TABLE IF NOT EXISTS incoming_events (LIKE game_events INCLUDING DEFAULTS) ON COMMIT DELETE ROWS',
        },
        copyInto('incoming_events'),
        {
          text: `INSERT INTO game_events (${EVENT_COLUMNS}) SELECT ${EVENT_COLUMNS} FROM incoming_events ON CONFLICT DO NOTHING`,
        },
      ]);
    }
  }
}

/** Rounds voided by a backup restore: their rows, and the events stored for them until `at`. */
function voidStatements(write: WorkerWrite): QueryStatement[] {
  return write.roundVoids.flatMap(({ matchId, fromRound, at }) => [
    {
      text: 'UPDATE rounds SET voided = true WHERE match_id = $1 AND number >= $2',
      values: [matchId, fromRound],
    },
    {
      text: `UPDATE game_events SET flags = coalesce(flags, '{}'::jsonb) || '{"voided": true}'::jsonb
              WHERE match_id = $1 AND round_number >= $2 AND ts <= to_timestamp($3 / 1000.0)`,
      values: [matchId, fromRound, at],
    },
  ]);
}

/**
 * The batch's writes after the events, in the order they must run (matches before their rounds
 * and players, rounds before their kills).
 */
function rowStatements(write: WorkerWrite): QueryStatement[] {
  const statements: QueryStatement[] = [];
  // Kafka: the partition fence. It fails the transaction (nothing of the batch is written) if
  // another worker took one of its partitions, and keeps their rows locked until COMMIT.
  if (write.checkpoint?.partitions !== undefined) statements.push(commitPositionsStatement(write.checkpoint));
  statements.push(...write.deadLetters.map(deadLetterStatement));
  for (const patch of write.matches) statements.push(...upsertMatchStatements(patch));
  // Row sets go as one JSON parameter each, read back by their field names.
  const recordset = (rows: readonly object[] | undefined, text: string) => {
    if (rows !== undefined && rows.length > 0) statements.push({ text, values: [JSON.stringify(rows)] });
  };
  recordset(
    write.rounds,
    `INSERT INTO rounds (match_id, number, winner_side, winner_team, reason, score_after, started_at, ended_at, voided)
     SELECT r."matchId", r.number, r."winnerSide", r."winnerTeam", r.reason, r."scoreAfter",
            to_timestamp(r."startedAt" / 1000.0), to_timestamp(r."endedAt" / 1000.0), false
       FROM json_to_recordset($1::json) AS r("matchId" text, number int, "winnerSide" text, "winnerTeam" text,
            reason text, "scoreAfter" jsonb, "startedAt" float8, "endedAt" float8)
     ON CONFLICT (match_id, number) DO UPDATE SET winner_side = EXCLUDED.winner_side,
       winner_team = EXCLUDED.winner_team, reason = EXCLUDED.reason, score_after = EXCLUDED.score_after,
       started_at = EXCLUDED.started_at, ended_at = EXCLUDED.ended_at, voided = false`,
  );
  recordset(
    write.roundKills,
    `UPDATE rounds SET kills = k.kills FROM json_to_recordset($1::json) AS k("matchId" text, number int, kills int)
      WHERE rounds.match_id = k."matchId" AND rounds.number = k.number`,
  );
  recordset(
    write.players,
    `INSERT INTO players (steam_id, name, updated_at)
     SELECT DISTINCT ON (p."steamId") p."steamId", p.name, now() FROM json_to_recordset($1::json) AS p("steamId" text, name text)
     ON CONFLICT (steam_id) DO UPDATE SET name = EXCLUDED.name, updated_at = now()`,
  );
  recordset(
    write.matchPlayers,
    `INSERT INTO match_players (match_id, steam_id, team)
     SELECT DISTINCT ON (p."matchId", p."steamId") p."matchId", p."steamId", p.team
       FROM json_to_recordset($1::json) AS p("matchId" text, "steamId" text, team text)
     ON CONFLICT (match_id, steam_id) DO UPDATE SET team = COALESCE(EXCLUDED.team, match_players.team)`,
  );
  for (const { matchId, ...gap } of write.gaps) {
    statements.push({
      text: 'UPDATE matches SET gaps = gaps || jsonb_build_array($2::jsonb) WHERE id = $1',
      values: [matchId, JSON.stringify(gap)],
    });
  }
  if (write.snapshots.length > 0) {
    // One row of parameters per server: PostgreSQL checks each state's JSON once.
    const rows = write.snapshots.map((_, i) => `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3}, now())`);
    statements.push({
      text: `INSERT INTO match_state (server_id, state, position, updated_at) VALUES ${rows.join(', ')}
             ON CONFLICT (server_id) DO UPDATE SET state = EXCLUDED.state, position = EXCLUDED.position, updated_at = now()`,
      values: write.snapshots.flatMap((s) => [s.serverId, s.stateJson, s.position]),
    });
  }
  if (write.checkpoint?.offset !== undefined) {
    const { stream, consumer, offset } = write.checkpoint;
    statements.push({
      text: `INSERT INTO stream_offsets (stream, consumer, "offset", updated_at) VALUES ($1, $2, $3, now())
             ON CONFLICT (stream, consumer) DO UPDATE SET "offset" = EXCLUDED."offset", updated_at = now()`,
      values: [stream, consumer, String(offset)],
    });
  }
  return statements;
}

const toIso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

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
 * Inserts a new match (a patch with every required field) or updates the fields a patch carries;
 * nothing when the patch changes nothing.
 *
 * A new match on a server also ends the matches still in warmup or live that started before it
 * there: abandoned, in the same transaction. The engine already ends the match it replaces; this
 * also ends the ones it cannot know of (a snapshot lost or reset, rows from before the engine
 * did), so no match stays "live" forever.
 */
function upsertMatchStatements(patch: MatchPatch): QueryStatement[] {
  const columns: string[] = [];
  const values: unknown[] = [patch.id];
  for (const [field, column] of Object.entries(MATCH_COLUMNS) as [keyof typeof MATCH_COLUMNS, string][]) {
    const value = patch[field];
    if (value === undefined) continue;
    columns.push(column);
    if (field === 'teams' || field === 'score') values.push(JSON.stringify(value));
    else if (field === 'startedAt' || field === 'endedAt') values.push(toIso(value as number | null));
    else values.push(value);
  }
  const { serverId, startedAt } = patch;
  const sets = columns.map((column, i) => `${column} = $${i + 2}`).concat('updated_at = now()');
  if (serverId !== undefined && patch.status !== undefined && startedAt !== undefined) {
    return [
      {
        text: `INSERT INTO matches (id, ${columns.join(', ')}) VALUES ($1, ${columns.map((_, i) => `$${i + 2}`).join(', ')})
               ON CONFLICT (id) DO UPDATE SET ${sets.join(', ')}`,
        values,
      },
      {
        text: `UPDATE matches SET status = 'abandoned', ended_at = COALESCE(ended_at, $3::timestamptz), updated_at = now()
                WHERE server_id = $2 AND id <> $1 AND status IN ('warmup', 'live') AND started_at <= $3::timestamptz`,
        values: [patch.id, serverId, toIso(startedAt)],
      },
    ];
  }
  return columns.length > 0 ? [{ text: `UPDATE matches SET ${sets.join(', ')} WHERE id = $1`, values }] : [];
}

function deadLetterStatement(letter: DeadLetter): QueryStatement {
  return {
    text: `INSERT INTO dead_letters (stream, shard, position, partition_key, payload, code, reason, failed_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    values: [
      letter.stream,
      letter.shard,
      letter.position,
      letter.partitionKey,
      Buffer.from(letter.payload),
      letter.code,
      letter.reason,
      new Date(letter.failedAt).toISOString(),
    ],
  };
}

/** Writes dead letters outside a batch (the local dead-letter sink). */
export async function insertDeadLetters(
  db: pg.Pool | pg.PoolClient,
  letters: readonly DeadLetter[],
): Promise<void> {
  for (const letter of letters) await db.query(deadLetterStatement(letter));
}
