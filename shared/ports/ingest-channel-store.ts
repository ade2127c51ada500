/**
 * Persistence of plugin-free ingest channels: one record per game server and source (its CS2 log
 * stream, its MatchZy or get5 webhooks). PostgreSQL `ingest_channels` in production and locally.
 */

/** The sources a channel can be. */
export type IngestChannelName = 'cs2-log' | 'matchzy' | 'get5';

/**
 * Everything a channel carries from one request to the next. Saved in one write per request, so
 * the parser state, the position that request reached and the frames it produced (the outbox)
 * can never disagree.
 */
export interface IngestChannelRecord {
  serverId: string;
  channel: IngestChannelName;
  /** The frame session the channel writes (DESIGN.md section 3: `session`). */
  session: string;
  /** The `seq` of the next frame of {@link session}. */
  nextSeq: number;
  /** The source's parse or mapping state (plain JSON). */
  state: unknown;
  /** Where the source stands, to recognise a resent request (plain JSON). */
  position: unknown;
  /**
   * The outbox: the encoded frames the last request produced, in `seq` order, until they are known
   * to be on the stream. They are put again whenever that is not sure (the worker drops repeats).
   */
  pending: Uint8Array[];
  /** Rises by one per save; 0 for a record never saved. */
  version: number;
  /** When the record was last saved (epoch ms); 0 for a new one. */
  updatedAt: number;
}

export interface IngestChannelStore {
  load(serverId: string, channel: IngestChannelName): Promise<IngestChannelRecord | null>;
  /**
   * Saves `record` if the stored one still has version `record.version - 1` (none stored when
   * that is 0). Resolves `false`, writing nothing, when another writer got there first.
   */
  save(record: IngestChannelRecord): Promise<boolean>;
  /** Empties the outbox of version `version` once its frames are on the stream (no-op if it moved on). */
  clearPending(serverId: string, channel: IngestChannelName, version: number): Promise<void>;
  /** Records with frames in their outbox, oldest first (to put them again after a restart). */
  listPending(limit: number): Promise<IngestChannelRecord[]>;
}
