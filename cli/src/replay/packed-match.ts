import { base64Length, DEFAULT_LZ4_CHUNK_SIZE, type Frame, wrapLz4 } from '@geqo/shared/domain/codec';
import type { AnyEvent } from '@geqo/shared/domain/events';
import { type Options, Packr } from 'msgpackr';
import { type BatchingOptions, DEFAULT_BATCHING, type PlannedFrame, planFrames } from './frame-batcher.ts';

// The options `encodeFrame` packs with: the same bytes, whether packed there or here in two parts.
const packr = new Packr({
  useRecords: false,
  variableMapSize: true,
  skipValues: [undefined],
} as Options & { skipValues: unknown[] });

/** The msgpack of the key `events`, which every frame's map ends with. */
const EVENTS_KEY = Uint8Array.from(packr.pack('events'));

interface PackedFrame {
  events: readonly AnyEvent[];
  /** msgpack of `events`, packed once for every sender of the match. */
  packedEvents: Uint8Array;
  sourceTs: number;
}

/**
 * One match split into frames and packed once, for many senders to replay, each under its own
 * server and session. {@link frames} gives the same frames and bytes as {@link planFrames} (the
 * split is the match's, the bytes `encodeFrame`'s), but a frame's bytes are made only when first
 * read (when the replay client sends it), from its events packed here: a load generator playing
 * the same matches on many connections neither packs the events again for each nor stops to encode
 * a whole match at once whenever one starts.
 */
export class PackedMatch {
  private constructor(
    private readonly packed: readonly PackedFrame[],
    private readonly maxBase64Chars: number,
  ) {}

  static of(events: readonly AnyEvent[], options: BatchingOptions = DEFAULT_BATCHING): PackedMatch {
    // The split depends on the events (and, for a frame near the size limit, on the envelope's
    // length, checked again at encoding).
    const planned = planFrames(events, { server: 'server', session: 'session' }, options);
    return new PackedMatch(
      planned.map(({ frame, sourceTs }) => ({
        events: frame.events,
        packedEvents: Uint8Array.from(packr.pack(frame.events)),
        sourceTs,
      })),
      options.maxBase64Chars,
    );
  }

  /** Frames in the match. */
  get length(): number {
    return this.packed.length;
  }

  /** Source time of the match's first event. */
  get firstTs(): number {
    return this.packed[0]?.sourceTs ?? 0;
  }

  /**
   * The match's frames under `envelope`, numbered from `firstSeq` (1), the first `count` of them
   * (all); each encodes its bytes when they are first read.
   */
  frames(
    envelope: { server: string; session: string; match?: string; tag?: string; firstSeq?: number },
    count = this.packed.length,
  ): PlannedFrame[] {
    const firstSeq = envelope.firstSeq ?? 1;
    const maxBase64Chars = this.maxBase64Chars;
    return this.packed.slice(0, count).map((packed, index) => {
      const frame: Frame = {
        v: 1,
        server: envelope.server,
        session: envelope.session,
        seq: firstSeq + index,
        sentAt: packed.events[0]?.ts ?? 0,
        ...(envelope.match ? { match: envelope.match } : {}),
        ...(envelope.tag ? { tag: envelope.tag } : {}),
        events: packed.events as AnyEvent[],
      };
      let bytes: Uint8Array | undefined;
      return {
        frame,
        sourceTs: packed.sourceTs,
        get bytes(): Uint8Array {
          bytes ??= encodePacked(frame, packed.packedEvents, maxBase64Chars);
          return bytes;
        },
      };
    });
  }
}

/** `encodeFrame(frame)`, with the msgpack of `frame.events` already made. */
function encodePacked(frame: Frame, packedEvents: Uint8Array, maxBase64Chars: number): Uint8Array {
  const { events: _events, ...envelope } = frame;
  // The envelope's map, then `events` as its last entry (the key order of a Frame as planned).
  const head = packr.pack(envelope);
  const entries = (head[0] ?? 0) & 0x0f;
  if ((head[0] ?? 0) >> 4 !== 0x8 || entries >= 15)
    throw new Error(`unexpected msgpack map header ${head[0]} for a frame envelope`);
  const msgpack = new Uint8Array(head.length + EVENTS_KEY.length + packedEvents.length);
  msgpack.set(head, 0);
  msgpack[0] = 0x80 | (entries + 1);
  msgpack.set(EVENTS_KEY, head.length);
  msgpack.set(packedEvents, head.length + EVENTS_KEY.length);
  const bytes = wrapLz4(msgpack, 'lz4blockarray', {
    extHeader: 'smallest',
    chunkSize: DEFAULT_LZ4_CHUNK_SIZE,
  });
  if (base64Length(bytes.length) > maxBase64Chars && frame.events.length > 1)
    throw new Error(`frame ${frame.seq} of ${frame.session} is over the frame limit under this envelope`);
  return bytes;
}
