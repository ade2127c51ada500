import type { Migration } from './migration.ts';

/**
 * Plugin-free ingest (the CS2 HTTP log stream, MatchZy and get5 webhooks): one row per server and
 * source, saved once per request with a version check. It holds the parser or mapping state, the
 * position reached (to recognise a resent request), the frame session and next `seq`, and the
 * outbox: the frames of the last request, put on the stream again after a crash (see
 * `shared/app/log-ingest/ingest-channels.ts`). State and position are JSON text, not jsonb: a
 * partial log line may hold a NUL, which jsonb refuses.
 */
export const ingestChannels: Migration = {
  version: 4,
  name: 'ingest channels: log stream and webhook state with a frame outbox',
  sql: `
CREATE TABLE ingest_channels (
  server_id   text NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
  channel     text NOT NULL,
  session     text NOT NULL,
  next_seq    bigint NOT NULL,
  state       text,
  position    text,
  pending     bytea[] NOT NULL DEFAULT '{}',
  version     bigint NOT NULL,
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (server_id, channel)
);
CREATE INDEX ingest_channels_pending ON ingest_channels (updated_at) WHERE cardinality(pending) > 0;
`,
};
