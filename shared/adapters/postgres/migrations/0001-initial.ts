import type { Migration } from './migration.ts';

/** The schema of DESIGN.md section 6, except `game_events`, whose layout depends on the server (0002). */
export const initialSchema: Migration = {
  version: 1,
  name: 'initial schema',
  sql: `
CREATE TABLE servers (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  token_hash  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);

CREATE TABLE matches (
  id           text PRIMARY KEY,
  server_id    text NOT NULL,
  external_id  text,
  map          text,
  tag          text,
  status       text NOT NULL,
  teams        jsonb NOT NULL DEFAULT '[]',
  score        jsonb NOT NULL DEFAULT '{}',
  -- Sequence gaps skipped by the worker (frames lost before the stream): [{session, from, to, reason, at}].
  gaps         jsonb NOT NULL DEFAULT '[]',
  started_at   timestamptz NOT NULL,
  ended_at     timestamptz,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX matches_started_at ON matches (started_at DESC);
CREATE INDEX matches_server ON matches (server_id, started_at DESC);

CREATE TABLE rounds (
  match_id     text NOT NULL REFERENCES matches (id) ON DELETE CASCADE,
  number       integer NOT NULL,
  winner_side  text,
  winner_team  text,
  reason       text,
  score_after  jsonb NOT NULL DEFAULT '{}',
  started_at   timestamptz NOT NULL,
  ended_at     timestamptz,
  voided       boolean NOT NULL DEFAULT false,
  PRIMARY KEY (match_id, number)
);

CREATE TABLE players (
  steam_id    text PRIMARY KEY,
  name        text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE match_players (
  match_id  text NOT NULL REFERENCES matches (id) ON DELETE CASCADE,
  steam_id  text NOT NULL,
  team      text,
  PRIMARY KEY (match_id, steam_id)
);

-- One row per server: the match engine's state and the per-session sequencing, saved after
-- every batch so any worker instance resumes exactly where the last one stopped.
CREATE TABLE match_state (
  server_id   text PRIMARY KEY,
  state       jsonb NOT NULL,
  position    text,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE player_match_stats (
  match_id  text NOT NULL REFERENCES matches (id) ON DELETE CASCADE,
  steam_id  text NOT NULL,
  team      text,
  stats     jsonb NOT NULL,
  PRIMARY KEY (match_id, steam_id)
);

CREATE TABLE dead_letters (
  id             bigserial PRIMARY KEY,
  stream         text NOT NULL,
  shard          text NOT NULL,
  position       text NOT NULL,
  partition_key  text NOT NULL,
  payload        bytea NOT NULL,
  code           text NOT NULL,
  reason         text NOT NULL,
  failed_at      timestamptz NOT NULL,
  replayed_at    timestamptz
);

CREATE TABLE dashboard_connections (
  connection_id  text NOT NULL,
  topic          text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (topic, connection_id)
);
CREATE INDEX dashboard_connections_by_id ON dashboard_connections (connection_id);

-- The local durable stream: an append-only log per stream with committed consumer offsets.
-- One writer per stream (the runtime's batching writer) keeps ids in commit order.
CREATE TABLE stream_records (
  id             bigserial PRIMARY KEY,
  stream         text NOT NULL,
  partition_key  text NOT NULL,
  data           bytea NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX stream_records_stream_id ON stream_records (stream, id);

CREATE TABLE stream_offsets (
  stream      text NOT NULL,
  consumer    text NOT NULL,
  "offset"    bigint NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (stream, consumer)
);
`,
};
