import { base64Length, encodeFrame, type Frame, SENDER_FRAME_BASE64_CHARS } from '@geqo/shared/domain/codec';
import type { AnyEvent } from '@geqo/shared/domain/events';

export interface BatchingOptions {
  /** Most events per frame. */
  maxEvents: number;
  /** A frame covers at most this much source time (ms), so paced replays stay live. */
  maxSpanMs: number;
  /** Largest frame once base64-encoded (the protocol's limit). */
  maxBase64Chars: number;
}

export const DEFAULT_BATCHING: BatchingOptions = {
  maxEvents: 100,
  maxSpanMs: 250,
  maxBase64Chars: SENDER_FRAME_BASE64_CHARS,
};

export interface PlannedFrame {
  frame: Frame;
  bytes: Uint8Array;
  /** Source time of the frame's first event: pacing sends it at this offset from the first. */
  sourceTs: number;
}

/**
 * Splits an event stream into numbered frames the way a plugin does. The split depends only on
 * the events (never on timing), so a replay resent after a crash produces the same frames, and
 * the same stored keys.
 */
export function planFrames(
  events: readonly AnyEvent[],
  envelope: { server: string; session: string; match?: string; tag?: string; firstSeq?: number },
  options: BatchingOptions = DEFAULT_BATCHING,
): PlannedFrame[] {
  const frames: PlannedFrame[] = [];
  let seq = envelope.firstSeq ?? 1;
  const emit = (batch: AnyEvent[]) => {
    const frame: Frame = {
      v: 1,
      server: envelope.server,
      session: envelope.session,
      seq,
      sentAt: batch[0]?.ts ?? 0,
      ...(envelope.match ? { match: envelope.match } : {}),
      ...(envelope.tag ? { tag: envelope.tag } : {}),
      events: batch,
    };
    const bytes = encodeFrame(frame);
    if (base64Length(bytes.length) > options.maxBase64Chars && batch.length > 1) {
      const half = Math.ceil(batch.length / 2);
      emit(batch.slice(0, half));
      emit(batch.slice(half));
      return;
    }
    frames.push({ frame, bytes, sourceTs: batch[0]?.ts ?? 0 });
    seq += 1;
  };
  let batch: AnyEvent[] = [];
  for (const event of events) {
    const first = batch[0];
    if (first && (batch.length >= options.maxEvents || event.ts - first.ts > options.maxSpanMs)) {
      emit(batch);
      batch = [];
    }
    batch.push(event);
  }
  if (batch.length > 0) emit(batch);
  return frames;
}
