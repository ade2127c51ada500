import type { Migration } from './migration.ts';

/**
 * The worker rewrites a busy server's snapshot with every batch: tens of kilobytes of JSON that
 * compress to a few. Past 2 kB PostgreSQL moved each new version out of line, into the TOAST
 * table (its chunks and their index written, the previous version's chunks left dead for vacuum),
 * many times a second per server. `STORAGE MAIN` with a tuple target of a whole page keeps the
 * compressed snapshot in the row itself (out of line only if it is still too big for a page),
 * and half-empty pages leave room for the update to stay on the same page (a HOT update, no
 * index entry).
 */
export const snapshotInline: Migration = {
  version: 7,
  name: 'match_state snapshots kept inline, compressed, with room for HOT updates',
  sql: `
ALTER TABLE match_state ALTER COLUMN state SET STORAGE MAIN;
ALTER TABLE match_state SET (toast_tuple_target = 8160, fillfactor = 50);
`,
};
