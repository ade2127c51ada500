/** Messages between `geqo up`'s main thread and its frame-check thread (structured clone). */
import type { MessagePort } from 'node:worker_threads';
import type { FrameCheck } from '@geqo/shared/app/ingest';
import type { CodecLimits } from '@geqo/shared/domain/codec';

export type ToCheckThread =
  | { type: 'check'; id: number; message: Uint8Array | string; limits: CodecLimits }
  /** Where digests of the frames that pass go from now on (the worker thread), or nowhere. */
  | { type: 'digests'; port: MessagePort | null };

/** The check, without the decoded frame (the main thread only needs what the reply says). */
export interface CheckResponse {
  id: number;
  check: Exclude<FrameCheck, { ok: true }> | Omit<Extract<FrameCheck, { ok: true }>, 'frame'>;
}

/**
 * A frame that passed, as the worker will take it (`digestFrame`), sent straight to the worker
 * thread: `bytes` are the frame's bytes as they go on the stream, to find and confirm it by.
 */
export interface FrameDigestMessage {
  partitionKey: string;
  bytes: Uint8Array;
  digest: Uint8Array;
}
