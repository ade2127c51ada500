import type { Frame } from '../../domain/codec/index.ts';

/** A frame someone else decoded, with its events' stored-form JSON. */
export interface DecodedFrame {
  frame: Frame;
  /** Each event's stored-form JSON, in order (then `positions` events may lack their players). */
  eventJson?: readonly string[];
}

/**
 * Reads the digest a record came with (`StreamRecord.digest`, made by `geqo up`'s ingest): the one
 * door through which that runtime's speed machinery feeds the worker. Throws if the bytes are not
 * a digest; the worker then decodes the record, as it does every record that has none.
 */
export type DigestReader = (digest: Uint8Array) => DecodedFrame;
