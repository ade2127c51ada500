/**
 * Match statistics as pure functions of a `MatchTimeline` (definitions:
 * `reference/stats.md`; every window and threshold is a `StatsOptions` setting).
 *
 * - End of match: `computeMatchStats(timeline)` gives the MatchSummary player lines.
 * - Live view: when a round ends, `buildRoundStats(round)` and keep the record by round number;
 *   replace it if the round is replayed, drop it if the round is voided, and call
 *   `aggregateMatchStats(records, players)` for the current lines. Every per-round figure is a
 *   count or a per-round flag, so the sum equals the end-of-match result.
 * - Live view in the worker: `LiveMatchStats` does exactly that over a JSON state the worker
 *   snapshots, and reports each round's figures (`LiveStatsUpdate`).
 * - Storage and careers: `computeStoredPlayerStats(timeline)` gives the stored lines,
 *   `careerStats(steamId, lines)` sums them.
 * - Kill enrichment: the match engine uses `RoundKillTracker` for opening, trade and clutch flags.
 */
export * from './buy-types.ts';
export * from './career-stats.ts';
export * from './kill-tracker.ts';
export * from './live-match-stats.ts';
export * from './match-stats.ts';
export * from './options.ts';
export * from './ratings.ts';
export * from './round-stats.ts';
