/**
 * What the statistics' aggregation step needs from storage (DESIGN.md section 7): a match's
 * stored events, the source of truth, and a place for the aggregates recomputed from them.
 * Implemented by PostgreSQL.
 */
import type { AnyEvent } from '../domain/events/index.ts';
import type { StoredPlayerStats } from '../domain/stats/index.ts';

/** A stored event with what the worker applied it with: its stable key and its frame's label. */
export interface StoredMatchEvent {
  session: string;
  seq: number;
  index: number;
  matchTag: string | null;
  event: AnyEvent;
}

/** A match as the aggregation sees it. */
export interface AggregationTarget {
  id: string;
  serverId: string;
  status: string;
  /**
   * Changes whenever the worker changes the match row (status, score, voided rounds): aggregates
   * computed from an older version are stale.
   */
  version: string;
  /** Aggregates of this very version are stored. */
  aggregated: boolean;
}

/** A match's aggregates, replacing whatever was stored for it. */
export interface MatchAggregatesWrite {
  matchId: string;
  /** The {@link AggregationTarget.version} they were computed from. */
  version: string;
  /** In MatchSummary order. */
  players: { steamId: string; team: string | null; stats: StoredPlayerStats }[];
  /** Player kills of each live round, as the MatchSummary counts them. */
  roundKills: { number: number; kills: number }[];
}

export interface MatchStatsStore {
  findMatch(matchId: string): Promise<AggregationTarget | null>;
  /** Ended matches (finished or abandoned) with no aggregates or stale ones, least recently changed first. */
  pendingMatches(limit: number): Promise<string[]>;
  /**
   * The match's stored events in the order the worker applied them (each plugin session in `seq`
   * order, sessions in the order they began), without the bulk types in `leaveOut`.
   */
  readEvents(matchId: string, leaveOut: ReadonlySet<string>): Promise<StoredMatchEvent[]>;
  /** Replaces the match's aggregates and records their version, in one transaction. */
  saveAggregates(write: MatchAggregatesWrite): Promise<void>;
}
