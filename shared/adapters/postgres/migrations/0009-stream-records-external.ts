import type { Migration } from './migration.ts';

/**
 * The local stream's records are the frames as received: MessagePack, LZ4-compressed by the
 * plugin (MessagePack-CSharp's block layout). Past 2 kB PostgreSQL tried to compress each one
 * again with pglz before moving it out of line, and that found nothing to gain: in the soak at
 * 30,000 events/s it was a quarter of the ingest connection's CPU (the backend whose commit each
 * ack waits for). `STORAGE EXTERNAL` stores them out of line as they are. A record lives until
 * the stream is trimmed, so the few uncompressed frames cost little room.
 */
export const streamRecordsExternal: Migration = {
  version: 9,
  name: 'stream_records.data stored out of line without a second compression',
  sql: `
ALTER TABLE stream_records ALTER COLUMN data SET STORAGE EXTERNAL;
`,
};
