import type pg from 'pg';
import type { PlayingSide, RoundEndReason } from '../../domain/events/index.ts';
import { type MatchStatus, type MatchSummary, toSummaryPlayer } from '../../domain/match/index.ts';
import type { StoredPlayerStats } from '../../domain/stats/index.ts';
import type { PlayerMatches, StatsQueries, StoredSummary } from '../../ports/index.ts';

interface SummaryRow {
  map: string | null;
  status: string;
  teams: { name: string; startSide: PlayingSide }[];
  score: Record<string, number>;
  fresh: boolean;
  rounds: {
    number: number;
    winnerSide: PlayingSide | null;
    winnerTeam: string | null;
    reason: RoundEndReason | null;
    kills: number | null;
    scoreAfter: Record<string, number>;
  }[];
  players: StoredPlayerStats[];
}

const MATCH_STATUSES: ReadonlySet<string> = new Set<MatchStatus>(['warmup', 'live', 'finished', 'abandoned']);

function asMatchStatus(status: string): MatchStatus {
  return MATCH_STATUSES.has(status) ? (status as MatchStatus) : 'live';
}

/**
 * The statistics' read models. A finished match's summary is one query (one index lookup per
 * table): the match row, its live rounds and its players' aggregates assembled by PostgreSQL.
 */
export class PostgresStatsQueries implements StatsQueries {
  constructor(private readonly pool: pg.Pool) {}

  async storedSummary(matchId: string): Promise<StoredSummary | null> {
    const { rows } = await this.pool.query<SummaryRow>(
      `SELECT m.map, m.status, m.teams, m.score,
              coalesce(m.stats_version >= m.updated_at, false) AS fresh,
              (SELECT coalesce(json_agg(json_build_object(
                        'number', r.number, 'winnerSide', r.winner_side, 'winnerTeam', r.winner_team,
                        'reason', r.reason, 'kills', r.kills, 'scoreAfter', r.score_after) ORDER BY r.number), '[]')
                 FROM rounds r WHERE r.match_id = m.id AND NOT r.voided) AS rounds,
              (SELECT coalesce(json_agg(p.stats ORDER BY p.ordinal), '[]')
                 FROM player_match_stats p WHERE p.match_id = m.id) AS players
         FROM matches m WHERE m.id = $1`,
      [matchId],
    );
    const row = rows[0];
    if (row === undefined) return null;
    const summary: MatchSummary = {
      map: row.map,
      status: asMatchStatus(row.status),
      teams: row.teams.map((team) => ({
        name: team.name,
        startSide: team.startSide,
        score: row.score[team.name] ?? 0,
      })),
      rounds: row.rounds.map((round) => ({
        number: round.number,
        winnerSide: round.winnerSide,
        winnerTeam: round.winnerTeam,
        reason: round.reason,
        kills: round.kills ?? 0,
        scoreAfter: round.scoreAfter,
      })),
      players: row.players.map(toSummaryPlayer),
    };
    return { fresh: row.fresh, summary };
  }

  async playerMatches(steamId: string): Promise<PlayerMatches | null> {
    const [player, lines] = await Promise.all([
      this.pool.query<{ name: string }>('SELECT name FROM players WHERE steam_id = $1', [steamId]),
      this.pool.query<{
        match_id: string;
        map: string | null;
        status: string;
        started_at: Date;
        team: string | null;
        score: Record<string, number>;
        stats: StoredPlayerStats;
      }>(
        `SELECT p.match_id, m.map, m.status, m.started_at, p.team, m.score, p.stats
           FROM player_match_stats p JOIN matches m ON m.id = p.match_id
          WHERE p.steam_id = $1
          ORDER BY m.started_at DESC, p.match_id`,
        [steamId],
      ),
    ]);
    const name = player.rows[0]?.name ?? null;
    if (name === null && lines.rows.length === 0) return null;
    return {
      steamId,
      name,
      matches: lines.rows.map((row) => ({
        matchId: row.match_id,
        map: row.map,
        status: row.status,
        startedAt: row.started_at.toISOString(),
        team: row.team,
        score: row.score,
        stats: row.stats,
      })),
    };
  }
}
