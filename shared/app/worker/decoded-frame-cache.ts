import type { Frame } from '../../domain/codec/index.ts';

/** A frame someone else decoded, with its events' stored-form JSON when that was made too. */
export interface DecodedFrame {
  frame: Frame;
  /** Each event's stored-form JSON, in order (then `positions` events may lack their players). */
  eventJson?: readonly string[];
}

/** Frames decoded before they reached the worker, looked up by the record's exact bytes. */
export interface FrameSource {
  /** The frame decoded from exactly these bytes, removed from the source; undefined on a miss. */
  take(partitionKey: string, bytes: Uint8Array): DecodedFrame | undefined;
}

interface Entry {
  bytes: Uint8Array;
  frame: Frame;
}

/** FNV-1a over the bytes: cheap, and only a lookup key (hits are checked byte for byte). */
function fnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i += 1) {
    hash ^= bytes[i]!;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The lookup key of a record's bytes. */
export function frameKey(partitionKey: string, bytes: Uint8Array): string {
  return `${partitionKey}|${bytes.length}|${fnv1a(bytes)}`;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

/**
 * When ingest and worker share one thread (`GEQO_WORKER_THREAD=off`, or a runtime in tests), the worker need not
 * decode again a frame that ingest has just decoded and validated: ingest leaves the frame here,
 * and the worker takes it when the same bytes come back from the stream. A hit is confirmed byte
 * for byte; a miss (after a restart, or an evicted entry) just means decoding. Bounded: the
 * oldest entries go first.
 */
export class DecodedFrameCache implements FrameSource {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 512) {}

  put(partitionKey: string, bytes: Uint8Array, frame: Frame): void {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(frameKey(partitionKey, bytes), { bytes, frame });
  }

  take(partitionKey: string, bytes: Uint8Array): DecodedFrame | undefined {
    const key = frameKey(partitionKey, bytes);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    return sameBytes(entry.bytes, bytes) ? { frame: entry.frame } : undefined;
  }

  get size(): number {
    return this.entries.size;
  }
}
