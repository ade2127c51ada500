/** Read models of the statistics served by the REST API (DESIGN.md sections 7 and 8). */
import type { MatchSummary } from '../domain/match/index.ts';
import type { StoredPlayerStats } from '../domain/stats/index.ts';

/** A match's summary as its aggregates hold it. */
export interface StoredSummary {
  /**
   * The aggregates were computed from the match row as it is now (the match ended and nothing
   * changed since): `summary` is the match's summary. Otherwise it must be computed from events.
   */
  fresh: boolean;
  summary: MatchSummary;
}

/** One stored match of a player. */
export interface PlayerMatchLine {
  matchId: string;
  map: string | null;
  status: string;
  startedAt: string;
  team: string | null;
  /** Final score by team name. */
  score: Record<string, number>;
  stats: StoredPlayerStats;
}

export interface PlayerMatches {
  steamId: string;
  /** Last name seen; null if the player is only known from statistics. */
  name: string | null;
  /** Newest first. */
  matches: PlayerMatchLine[];
}

export interface StatsQueries {
  /** The summary from `matches`, `rounds` and `player_match_stats`; null for an unknown match. */
  storedSummary(matchId: string): Promise<StoredSummary | null>;
  /** Every stored match line of a player; null when the player is unknown. */
  playerMatches(steamId: string): Promise<PlayerMatches | null>;
}
