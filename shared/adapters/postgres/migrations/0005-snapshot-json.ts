import type { Migration } from './migration.ts';

/**
 * The worker rewrites each busy server's snapshot with every batch, and the snapshot is only ever
 * read back whole (at start-up): `json` keeps it as text, where `jsonb` made PostgreSQL parse and
 * rebuild tens of kilobytes per server per batch (the live statistics of the match in progress).
 * LZ4 compresses it faster than the default pglz, where the server was built with LZ4.
 */
export const snapshotJson: Migration = {
  version: 5,
  name: 'match_state.state as json, LZ4-compressed where available',
  sql: `
ALTER TABLE match_state ALTER COLUMN state TYPE json USING state::json;
DO $$
BEGIN
  ALTER TABLE match_state ALTER COLUMN state SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
  RAISE NOTICE 'LZ4 compression is not available here; match_state keeps the default';
END $$;
`,
};
