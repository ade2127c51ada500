import type { Frame } from '../../domain/codec/index.ts';

/** A frame someone else decoded, with its events' stored-form JSON when that was made too. */
export interface DecodedFrame {
  frame: Frame;
  /** Each event's stored-form JSON, in order (then `positions` events may lack their players). */
  eventJson?: readonly string[];
}

/**
 * Frames decoded before they reached the worker, looked up by the record's exact bytes: the one
 * door through which speed machinery of a runtime (`geqo up`'s `PredecodedFrames`) feeds the
 * worker. Without one, the worker decodes every record itself; a miss means the same.
 */
export interface FrameSource {
  /** The frame decoded from exactly these bytes, removed from the source; undefined on a miss. */
  take(partitionKey: string, bytes: Uint8Array): DecodedFrame | undefined;
}
