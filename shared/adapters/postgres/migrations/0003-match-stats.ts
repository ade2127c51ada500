import type { Migration } from './migration.ts';

/**
 * What the statistics need besides `player_match_stats` (0001):
 *
 * - `matches.stats_version`: the `updated_at` of the match row its aggregates were computed from.
 *   The worker bumps `updated_at` on every change of the row (status, score, voided rounds), so an
 *   ended match whose `stats_version` is missing or older has aggregates to (re)compute; the
 *   partial index holds exactly those matches, so the aggregation job's sweep costs nothing when
 *   there is no work.
 * - `player_match_stats.ordinal`: the player's place in the MatchSummary (the timeline's order).
 * - `rounds.kills`: player kills in the round as the MatchSummary counts them, written live by
 *   the worker as rounds end and rewritten by the aggregation.
 * - an index to read a player's career.
 */
export const matchStats: Migration = {
  version: 3,
  name: 'match statistics: aggregation version, player order, round kills',
  sql: `
ALTER TABLE matches ADD COLUMN stats_version timestamptz;
CREATE INDEX matches_stats_pending ON matches (updated_at)
  WHERE status IN ('finished', 'abandoned') AND (stats_version IS NULL OR stats_version < updated_at);
ALTER TABLE player_match_stats ADD COLUMN ordinal integer NOT NULL DEFAULT 0;
CREATE INDEX player_match_stats_player ON player_match_stats (steam_id);
ALTER TABLE rounds ADD COLUMN kills integer;
`,
};
