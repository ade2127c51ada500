import type pg from 'pg';
import { fromStoredForm } from '../../domain/events/index.ts';
import type {
  AggregationTarget,
  MatchAggregatesWrite,
  MatchStatsStore,
  StoredMatchEvent,
} from '../../ports/index.ts';
import { inTransaction } from './pool.ts';

/**
 * The aggregation step's storage: a match's stored events read back in the order they were
 * applied, and its aggregates (`player_match_stats`, `rounds.kills`) replaced in one transaction
 * together with the version of the match row they were computed from (`matches.stats_version`).
 */
export class PostgresMatchStatsStore implements MatchStatsStore {
  constructor(private readonly pool: pg.Pool) {}

  async findMatch(matchId: string): Promise<AggregationTarget | null> {
    const { rows } = await this.pool.query<{
      id: string;
      server_id: string;
      status: string;
      version: string;
      aggregated: boolean;
    }>(
      `SELECT id, server_id, status, updated_at::text AS version,
              coalesce(stats_version >= updated_at, false) AS aggregated
         FROM matches WHERE id = $1`,
      [matchId],
    );
    const row = rows[0];
    if (row === undefined) return null;
    return {
      id: row.id,
      serverId: row.server_id,
      status: row.status,
      version: row.version,
      aggregated: row.aggregated,
    };
  }

  async pendingMatches(limit: number): Promise<string[]> {
    // The predicate is the partial index's: only pending matches are ever looked at.
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM matches
        WHERE status IN ('finished', 'abandoned') AND (stats_version IS NULL OR stats_version < updated_at)
        ORDER BY updated_at LIMIT $1`,
      [limit],
    );
    return rows.map((row) => row.id);
  }

  async readEvents(matchId: string, leaveOut: ReadonlySet<string>): Promise<StoredMatchEvent[]> {
    // Within a plugin session the worker applied events in (seq, index) order; a new session
    // (a plugin restart) only begins once the previous one stopped sending, so sessions go in the
    // order of their first event.
    const { rows } = await this.pool.query<{
      session: string;
      seq: number;
      idx: number;
      match_tag: string | null;
      payload: Record<string, unknown>;
    }>(
      `SELECT session, seq, idx, match_tag, payload
         FROM game_events
        WHERE match_id = $1 AND type <> ALL ($2::text[])
        ORDER BY min(ts) OVER (PARTITION BY session), session, seq, idx`,
      [matchId, [...leaveOut]],
    );
    return rows.map((row) => ({
      session: row.session,
      seq: row.seq,
      index: row.idx,
      matchTag: row.match_tag,
      event: fromStoredForm(row.payload),
    }));
  }

  async saveAggregates(write: MatchAggregatesWrite): Promise<void> {
    await inTransaction(
      this.pool,
      async (client) => {
        await client.query('DELETE FROM player_match_stats WHERE match_id = $1', [write.matchId]);
        if (write.players.length > 0) {
          await client.query(
            `INSERT INTO player_match_stats (match_id, steam_id, team, stats, ordinal)
           SELECT $1, p.s, p.t, p.j, p.o FROM json_to_recordset($2::json) AS p(s text, t text, j jsonb, o int)`,
            [
              write.matchId,
              JSON.stringify(
                write.players.map((player, ordinal) => ({
                  s: player.steamId,
                  t: player.team,
                  j: player.stats,
                  o: ordinal,
                })),
              ),
            ],
          );
        }
        if (write.roundKills.length > 0) {
          await client.query(
            `UPDATE rounds SET kills = k.k FROM json_to_recordset($2::json) AS k(n int, k int)
            WHERE rounds.match_id = $1 AND rounds.number = k.n AND NOT rounds.voided`,
            [
              write.matchId,
              JSON.stringify(write.roundKills.map((round) => ({ n: round.number, k: round.kills }))),
            ],
          );
        }
        await client.query('UPDATE matches SET stats_version = $2::timestamptz WHERE id = $1', [
          write.matchId,
          write.version,
        ]);
      },
      // Aggregates can always be made again: lost in a database crash, they go with the
      // `stats_version` that marks them done, and the next sweep redoes the match. So the commit
      // does not wait for the WAL flush, which would take the worker's unflushed WAL with it.
      { begin: 'SET LOCAL synchronous_commit = off' },
    );
  }
}
