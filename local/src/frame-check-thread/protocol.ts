/** Messages between `geqo up`'s main thread and its frame-check thread (structured clone). */
import type { FrameCheck } from '@geqo/shared/app/ingest';
import type { CodecLimits } from '@geqo/shared/domain/codec';

export interface CheckRequest {
  id: number;
  message: Uint8Array | string;
  limits: CodecLimits;
}

/** The check, without the decoded frame (the main thread only needs what the reply says). */
export interface CheckResponse {
  id: number;
  check: Exclude<FrameCheck, { ok: true }> | Omit<Extract<FrameCheck, { ok: true }>, 'frame'>;
}
