import type { Migration } from './migration.ts';

/**
 * An index of a match's events without its positions and footsteps (`TRANSIENT_TYPES` of
 * `shared/app/analyze`): the events the statistics are computed from. Through
 * `game_events_match` alone, reading an ended match back for its aggregates fetched every one of
 * its rows to drop nine in ten. In the soak's database (50 servers at 30,000 events/s): 1,158
 * heap pages and 60 ms for a match's 1,284 played events that way, 411 pages and 23 ms through
 * this index. Reading a page the first time sets its hint bits, so these are also pages written
 * again.
 *
 * PostgreSQL picks a partial index when it can prove the query's condition implies the index's:
 * `PostgresMatchStatsStore.readEvents` passes the types as a parameter, and each query is planned
 * with its values. On a database with many events stored, the first start after the upgrade
 * builds it over every partition (minutes for tens of millions of events).
 */
export const playedEventsIndex: Migration = {
  version: 10,
  name: "index of a match's events without positions and footsteps",
  sql: `
CREATE INDEX game_events_match_played ON game_events (match_id, ts)
 WHERE type <> ALL ('{positions,player_footstep}'::text[]);
`,
};
