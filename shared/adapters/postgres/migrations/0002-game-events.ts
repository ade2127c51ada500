import type { Migration } from './migration.ts';

const columns = `
  ts             timestamptz NOT NULL,
  server_id      text NOT NULL,
  session        text NOT NULL,
  seq            bigint NOT NULL,
  idx            integer NOT NULL,
  match_id       text,
  round_number   integer NOT NULL,
  type           text NOT NULL,
  phase          text NOT NULL,
  is_post_round  boolean NOT NULL,
  match_tag      text,
  flags          jsonb,
  payload        jsonb NOT NULL`;

/**
 * `game_events`, time-partitioned. With TimescaleDB a compressed hypertable; otherwise native
 * `PARTITION BY RANGE (ts)` with daily partitions that the writer creates ahead of the data
 * (`ensureEventPartitions`) and a default partition as the last safety net.
 *
 * The primary key is the event's stable key plus `ts` (a partitioned table's unique keys must
 * contain the partition column; `ts` is part of the event, so a redelivered event still
 * conflicts and `ON CONFLICT DO NOTHING` keeps writes idempotent).
 */
export const gameEvents: Migration = {
  version: 2,
  name: 'game_events, time-partitioned',
  sql: ({ timescale }) =>
    timescale
      ? `
CREATE EXTENSION IF NOT EXISTS timescaledb;
CREATE TABLE game_events (${columns},
  PRIMARY KEY (server_id, session, seq, idx, ts)
);
SELECT create_hypertable('game_events', 'ts', chunk_time_interval => interval '1 day');
ALTER TABLE game_events SET (timescaledb.compress, timescaledb.compress_segmentby = 'match_id');
SELECT add_compression_policy('game_events', interval '7 days');
CREATE INDEX game_events_match ON game_events (match_id, ts);
`
      : `
CREATE TABLE game_events (${columns},
  PRIMARY KEY (server_id, session, seq, idx, ts)
) PARTITION BY RANGE (ts);
CREATE TABLE game_events_default PARTITION OF game_events DEFAULT;
CREATE INDEX game_events_match ON game_events (match_id, ts);
`,
};
