import { Packr, Unpackr } from 'msgpackr';
import type { Frame } from '../../domain/codec/index.ts';
import type { AnyEvent } from '../../domain/events/index.ts';
import { storedFormJson } from '../../domain/events/index.ts';
import { type DecodedFrame, type FrameSource, frameKey, sameBytes } from './decoded-frame-cache.ts';

/**
 * A frame as the worker needs it, made by whoever decoded it first (`geqo up`'s frame-check
 * thread), so the worker thread neither decodes it again nor writes its events' stored form:
 *
 * - every event's stored-form JSON (what goes into `game_events.payload` and to dashboards);
 * - the frame with its events, except that a `positions` event keeps only `type`, `ts` and
 *   `tick`: its players (most of a frame, and most of the work of decoding one) are in its
 *   JSON, and nothing in the worker reads them otherwise.
 *
 * It is plain MessagePack without compression: decoding it costs a tenth of decoding the frame
 * (LZ4, then every player's object) and writing the JSON.
 */
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

interface Entry {
  bytes: Uint8Array;
  digest: Uint8Array;
}

/**
 * Digests waiting for their frames to come back from the stream, keyed by partition key and the
 * frame's exact bytes (a hit is confirmed byte for byte). A miss only means the worker decodes the
 * frame itself (a restart, a digest that came late or was evicted). Bounded by bytes held: the
 * oldest go first.
 */
export class FrameDigestCache implements FrameSource {
  private readonly entries = new Map<string, Entry>();
  private held = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  /** Digests that could not be read (counted, and the frame decoded instead). */
  unreadable = 0;

  put(partitionKey: string, bytes: Uint8Array, digest: Uint8Array): void {
    const key = frameKey(partitionKey, bytes);
    this.drop(key);
    this.entries.set(key, { bytes, digest });
    this.held += bytes.byteLength + digest.byteLength;
    for (const oldest of this.entries.keys()) {
      if (this.held <= this.maxBytes) break;
      this.drop(oldest);
    }
  }

  take(partitionKey: string, bytes: Uint8Array): DecodedFrame | undefined {
    const key = frameKey(partitionKey, bytes);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.drop(key);
    if (!sameBytes(entry.bytes, bytes)) return undefined;
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

  /** Bytes held (frames and digests). */
  get bytesHeld(): number {
    return this.held;
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.held -= entry.bytes.byteLength + entry.digest.byteLength;
  }
}
