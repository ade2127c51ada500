import type pg from 'pg';
import { fromStoredForm } from '../../domain/events/index.ts';
import {
  decodeCursor,
  type EventPage,
  type EventQuery,
  encodeCursor,
  type MatchDetail,
  type MatchListItem,
  type MatchListOptions,
  type MatchQueries,
  type RoundItem,
  type StoredEvent,
} from '../../ports/index.ts';

interface MatchRowDb {
  id: string;
  server_id: string;
  external_id: string | null;
  map: string | null;
  tag: string | null;
  status: string;
  teams: unknown;
  score: Record<string, number>;
  started_at: Date;
  ended_at: Date | null;
}

const toMatch = (row: MatchRowDb): MatchListItem => ({
  id: row.id,
  serverId: row.server_id,
  externalId: row.external_id,
  map: row.map,
  tag: row.tag,
  status: row.status,
  teams: row.teams,
  score: row.score,
  startedAt: row.started_at.toISOString(),
  endedAt: row.ended_at?.toISOString() ?? null,
});

export class PostgresMatchQueries implements MatchQueries {
  constructor(private readonly pool: pg.Pool) {}

  async listMatches(options: MatchListOptions): Promise<MatchListItem[]> {
    // In progress, or a completed round: what a match list shows; `include=empty` or a status shows all.
    const { rows } = await this.pool.query<MatchRowDb>(
      `SELECT * FROM matches m WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR server_id = $2)
          AND ($4 OR $1::text IS NOT NULL OR status IN ('warmup', 'live')
               OR EXISTS (SELECT 1 FROM rounds r WHERE r.match_id = m.id AND NOT r.voided AND r.winner_side IS NOT NULL))
        ORDER BY started_at DESC LIMIT $3`,
      [options.status ?? null, options.serverId ?? null, options.limit, options.includeEmpty === true],
    );
    return rows.map(toMatch);
  }

  async getMatch(id: string): Promise<MatchDetail | null> {
    const { rows } = await this.pool.query<MatchRowDb & { gaps: unknown[]; rounds: number; events: number }>(
      `SELECT m.*,
         (SELECT count(*) FROM rounds r WHERE r.match_id = m.id AND NOT r.voided)::int AS rounds,
         (SELECT count(*) FROM game_events e WHERE e.match_id = m.id)::int AS events
       FROM matches m WHERE m.id = $1`,
      [id],
    );
    const row = rows[0];
    return row ? { ...toMatch(row), gaps: row.gaps, rounds: row.rounds, events: row.events } : null;
  }

  async listRounds(matchId: string, options: { includeVoided?: boolean } = {}): Promise<RoundItem[]> {
    const { rows } = await this.pool.query<{
      number: number;
      winner_side: string | null;
      winner_team: string | null;
      reason: string | null;
      score_after: Record<string, number>;
      started_at: Date;
      ended_at: Date | null;
      voided: boolean;
      kills: number | null;
    }>(`SELECT * FROM rounds WHERE match_id = $1 AND ($2 OR NOT voided) ORDER BY number`, [
      matchId,
      options.includeVoided === true,
    ]);
    return rows.map((row) => ({
      number: row.number,
      winnerSide: row.winner_side,
      winnerTeam: row.winner_team,
      reason: row.reason,
      scoreAfter: row.score_after,
      startedAt: row.started_at.toISOString(),
      endedAt: row.ended_at?.toISOString() ?? null,
      voided: row.voided,
      kills: row.kills,
    }));
  }

  async listEvents(matchId: string, query: EventQuery): Promise<EventPage> {
    const cursor = query.after ? decodeCursor(query.after) : null;
    const { rows } = await this.pool.query<{
      ms: number;
      server_id: string;
      session: string;
      seq: number;
      idx: number;
      type: string;
      round_number: number;
      phase: string;
      is_post_round: boolean;
      match_tag: string | null;
      flags: Record<string, unknown> | null;
      payload: Record<string, unknown>;
    }>(
      `SELECT (extract(epoch from ts) * 1000)::float8 AS ms, server_id, session, seq, idx, type, round_number, phase,
              is_post_round, match_tag, flags, payload
         FROM game_events
        WHERE match_id = $1
          AND ($2::text IS NULL OR type = $2)
          AND ($3::int IS NULL OR round_number = $3)
          AND ($4::timestamptz IS NULL OR (ts, server_id, session, seq, idx) > ($4, $5, $6, $7, $8))
        ORDER BY ts, server_id, session, seq, idx
        LIMIT $9`,
      [
        matchId,
        query.type ?? null,
        query.round ?? null,
        cursor ? new Date(cursor.ts).toISOString() : null,
        cursor?.server ?? '',
        cursor?.session ?? '',
        cursor?.seq ?? 0,
        cursor?.index ?? 0,
        query.limit,
      ],
    );
    const events: StoredEvent[] = rows.map((row) => ({
      key: { server: row.server_id, session: row.session, seq: row.seq, index: row.idx },
      ts: Math.round(row.ms),
      type: row.type,
      roundNumber: row.round_number,
      phase: row.phase,
      isPostRound: row.is_post_round,
      matchTag: row.match_tag,
      flags: row.flags,
      event: fromStoredForm(row.payload) as unknown as Record<string, unknown>,
    }));
    const last = events.at(-1);
    const next =
      last && events.length === query.limit
        ? encodeCursor({
            ts: last.ts,
            server: last.key.server,
            session: last.key.session,
            seq: last.key.seq,
            index: last.key.index,
          })
        : null;
    return { events, next };
  }
}
