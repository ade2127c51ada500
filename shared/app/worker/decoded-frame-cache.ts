import type { Frame } from '../../domain/codec/index.ts';

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

/**
 * When ingest and worker share one process (`geqo up`), the worker need not decode again a frame
 * that ingest has just decoded and validated: ingest leaves the frame here, and the worker takes
 * it when the same bytes come back from the stream. A hit is confirmed byte for byte; a miss
 * (after a restart, or an evicted entry) just means decoding. Bounded: the oldest entries go first.
 */
export class DecodedFrameCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 512) {}

  private key(partitionKey: string, bytes: Uint8Array): string {
    return `${partitionKey}|${bytes.length}|${fnv1a(bytes)}`;
  }

  put(partitionKey: string, bytes: Uint8Array, frame: Frame): void {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(this.key(partitionKey, bytes), { bytes, frame });
  }

  /** The frame decoded from exactly these bytes, removed from the cache; undefined on a miss. */
  take(partitionKey: string, bytes: Uint8Array): Frame | undefined {
    const key = this.key(partitionKey, bytes);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    return Buffer.from(entry.bytes.buffer, entry.bytes.byteOffset, entry.bytes.byteLength).equals(bytes)
      ? entry.frame
      : undefined;
  }

  get size(): number {
    return this.entries.size;
  }
}
