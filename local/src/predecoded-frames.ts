/**
 * Frames `geqo up`'s frame-check thread has decoded already, handed to the worker thread when the
 * same bytes come back from the stream, so the worker neither decodes them a second time nor
 * writes their events' stored form. Each comes as a *digest* ({@link digestFrame}): plain
 * MessagePack of the frame and each event's stored-form JSON, where a `positions` event keeps
 * only `type`, `ts` and `tick` (its players, most of a frame and most of the work of decoding
 * one, are in its JSON, and nothing in the worker reads them otherwise). Reading a digest costs
 * a tenth of decoding the frame (LZ4, then every player's object) and writing the JSON.
 *
 * What it buys (commit 43995a5, `npm run bench` end to end at 30,000 events/s): worker thread CPU
 * per event down by about 8 µs, dashboard p50 latency about halved. The worker-alone bench does not
 * use it (its stream is pre-filled).
 *
 * To turn it off, leave out the `frameCache` option where `worker-thread/thread-main.ts`
 * starts the worker runner (`GEQO_WORKER_THREAD=off` runs without it): the worker then decodes every record
 * itself. Nothing else changes; a miss (a restart, an evicted entry) already means exactly that.
 */
import type { DecodedFrame, FrameSource } from '@geqo/shared/app/worker';
import type { Frame } from '@geqo/shared/domain/codec';
import { type AnyEvent, storedFormJson } from '@geqo/shared/domain/events';
import { Packr, Unpackr } from 'msgpackr';

const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });

interface DigestBody {
  frame: Frame;
  json: string[];
}

/** A `positions` event with its players left out (they are in its stored JSON). */
function withoutPlayers(event: AnyEvent): AnyEvent {
  if (event.type !== 'positions' || 'unknown' in event) return event;
  const { players: _players, ...rest } = event as AnyEvent & { players?: unknown };
  return rest as AnyEvent;
}

/** The digest of a decoded, validated frame, in a buffer of its own (it can be transferred). */
export function digestFrame(frame: Frame): Uint8Array {
  const body: DigestBody = {
    frame: { ...frame, events: frame.events.map(withoutPlayers) },
    json: frame.events.map(storedFormJson),
  };
  // A copy: msgpackr returns a view into the buffer it packs the next one in.
  return new Uint8Array(packr.pack(body));
}

/** A digest back as the worker takes it; an error if the bytes are not one. */
export function readDigest(bytes: Uint8Array): DecodedFrame {
  const body = unpackr.unpack(bytes) as Partial<DigestBody> | null;
  const frame = body?.frame;
  const json = body?.json;
  if (!frame || !Array.isArray(frame.events) || !Array.isArray(json) || json.length !== frame.events.length)
    throw new Error('not a frame digest');
  return { frame, eventJson: json };
}

/** FNV-1a over the bytes: cheap, and only a lookup key (hits are checked byte for byte). */
function fnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

interface Entry {
  bytes: Uint8Array;
  digest: Uint8Array;
  /** When it came (ms, this process's clock). */
  at: number;
}

/** How much a {@link PredecodedFrames} holds before the oldest entries go. */
export interface PredecodedLimits {
  maxEntries: number;
  /** Bytes of frames and digests. */
  maxBytes: number;
  /**
   * How long an entry nobody took may stay once the cache is full (its record never came: a failed
   * append). Younger ones are kept and a new one is refused instead: see {@link PredecodedFrames}.
   */
  staleMs: number;
}

/**
 * Frame digests waiting for their records, keyed by partition key and the
 * frame's exact bytes (a hit is confirmed byte for byte).
 *
 * Bounded, and full it keeps the oldest: when the worker falls behind by more than the cache holds,
 * the frames it reads next are the oldest ones, so dropping those (first in, first out) would make
 * every lookup a miss; the worker would then decode every frame itself and fall further behind
 * (the soak with 50 servers showed it: 2,036 hits in 142,124 records). Keeping them and refusing
 * the newest keeps the hits up to what the cache holds; an entry older than `staleMs` goes first.
 */
export class PredecodedFrames implements FrameSource {
  private readonly entries = new Map<string, Entry>();
  private held = 0;
  private readonly limits: PredecodedLimits;

  /** Digests that could not be read (counted, and the frame decoded instead). */
  unreadable = 0;
  /** Entries refused because the cache was full of younger ones (their frames are decoded). */
  refused = 0;

  constructor(
    limits: Partial<PredecodedLimits> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limits = {
      maxEntries: Number.POSITIVE_INFINITY,
      maxBytes: 64 * 1024 * 1024,
      staleMs: 60_000,
      ...limits,
    };
  }

  /** A frame's digest (see {@link digestFrame}), read only when it is taken. */
  putDigest(partitionKey: string, bytes: Uint8Array, digest: Uint8Array): void {
    this.hold(partitionKey, { bytes, digest, at: this.now() });
  }

  take(partitionKey: string, bytes: Uint8Array): DecodedFrame | undefined {
    const key = keyOf(partitionKey, bytes);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.drop(key);
    if (!Buffer.from(entry.bytes.buffer, entry.bytes.byteOffset, entry.bytes.byteLength).equals(bytes))
      return undefined;
    try {
      return readDigest(entry.digest);
    } catch {
      this.unreadable += 1;
      return undefined;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** Bytes held (frames and their digests). */
  get bytesHeld(): number {
    return this.held;
  }

  private hold(partitionKey: string, entry: Entry): void {
    const key = keyOf(partitionKey, entry.bytes);
    this.drop(key);
    const size = sizeOf(entry);
    const fits = () =>
      this.held + size <= this.limits.maxBytes && this.entries.size + 1 <= this.limits.maxEntries;
    const staleBefore = entry.at - this.limits.staleMs;
    for (const [oldest, { at }] of this.entries) {
      if (fits() || at > staleBefore) break;
      this.drop(oldest);
    }
    if (!fits()) {
      this.refused += 1;
      return;
    }
    this.entries.set(key, entry);
    this.held += size;
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.held -= sizeOf(entry);
  }
}

const keyOf = (partitionKey: string, bytes: Uint8Array) => `${partitionKey}|${bytes.length}|${fnv1a(bytes)}`;
const sizeOf = (entry: Entry) => entry.bytes.byteLength + entry.digest.byteLength;
