import type { Migration } from './migration.ts';

/**
 * An index of a match's events without its positions and footsteps (`TRANSIENT_TYPES` of
 * `shared/app/analyze`): the events the statistics are computed from. With only
 * `game_events_match`, reading an ended match back for its aggregates fetched every one of its
 * rows and dropped nine in ten, and the rows of a match lie among those of every other server
 * writing at the time: in the soak (50 servers at 30,000 events/s, an 8-round match ending every
 * 0.4 s) that was about 10,700 heap pages read per match for 1,200 rows.
 *
 * PostgreSQL picks a partial index when it can prove the query's condition implies the index's:
 * `PostgresMatchStatsStore.readEvents` passes the types as a parameter, and each query is planned
 * with its values. In the soak's database: 411 heap pages and 23 ms for a match's 1,284 played
 * events, against 1,158 pages and 60 ms through `game_events_match`; reading a page the first
 * time sets its hint bits, so these are also pages written again. On a database with many events
 * stored, the first start after the upgrade builds it over every partition (minutes for tens of
 * millions of events).
 */
export const playedEventsIndex: Migration = {
  version: 10,
  name: "index of a match's events without positions and footsteps",
  sql: `
CREATE INDEX game_events_match_played ON game_events (match_id, ts)
 WHERE type <> ALL ('{positions,player_footstep}'::text[]);
`,
};
