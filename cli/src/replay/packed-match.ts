import {
  base64Length,
  DEFAULT_LZ4_CHUNK_SIZE,
  encodeLz4Block,
  type Frame,
  LZ4_BLOCK_ARRAY_EXT_TYPE,
} from '@geqo/shared/domain/codec';
import type { AnyEvent } from '@geqo/shared/domain/events';
import { type Options, Packr } from 'msgpackr';
import { type BatchingOptions, DEFAULT_BATCHING, type PlannedFrame, planFrames } from './frame-batcher.ts';

// The options `encodeFrame` packs with: the same msgpack, whether packed there or here in parts.
const packr = new Packr({
  useRecords: false,
  variableMapSize: true,
  skipValues: [undefined],
} as Options & { skipValues: unknown[] });

/** The msgpack of the key `events`, which every frame's map ends with. */
const EVENTS_KEY = Uint8Array.from(packr.pack('events'));

/**
 * Room left in a frame's first chunk for its envelope (server, session, seq…): the events' first
 * chunk holds this much less than a whole one. An envelope longer than this (a session id of
 * hundreds of characters) makes that chunk a little longer than MessagePack-CSharp's 32 KiB.
 */
const ENVELOPE_ROOM = 512;

/** One chunk of a frame's events (msgpack), compressed as an LZ4 block of its own. */
interface EventsChunk {
  /** Uncompressed length. */
  length: number;
  block: Uint8Array;
  /** Length of the block's first literal run, and where those literals start in the block. */
  literals: number;
  literalsAt: number;
}

interface PackedFrame {
  events: readonly AnyEvent[];
  /** The msgpack of `events`, in chunks compressed once for every sender of the match. */
  chunks: EventsChunk[];
  sourceTs: number;
}

function compressChunk(bytes: Uint8Array, start: number, end: number): EventsChunk {
  const block = encodeLz4Block(bytes, start, end);
  let at = 0;
  let literals = (block[at++] ?? 0) >>> 4;
  if (literals === 15) {
    let extra: number;
    do {
      extra = block[at++] ?? 0;
      literals += extra;
    } while (extra === 255);
  }
  return { length: end - start, block, literals, literalsAt: at };
}

/** The msgpack of `events` in chunks: a first one that leaves room for the envelope, then whole ones. */
function compressEvents(events: readonly AnyEvent[]): EventsChunk[] {
  const packed = Uint8Array.from(packr.pack(events));
  const chunks: EventsChunk[] = [];
  let start = 0;
  let size = DEFAULT_LZ4_CHUNK_SIZE - ENVELOPE_ROOM;
  do {
    const end = Math.min(packed.length, start + size);
    chunks.push(compressChunk(packed, start, end));
    start = end;
    size = DEFAULT_LZ4_CHUNK_SIZE;
  } while (start < packed.length);
  return chunks;
}

/**
 * One match split into frames, packed and compressed once, for many senders to replay, each under
 * its own server and session: a load generator playing the same matches on many connections then
 * spends almost nothing per frame, and never stops to encode a whole match when one starts.
 *
 * {@link frames} gives the frames {@link planFrames} gives. Each one's bytes are made when first
 * read (when the replay client sends it): MessagePack-CSharp's Lz4BlockArray, whose blocks decode
 * to the very msgpack `encodeFrame` compresses. They differ from `encodeFrame`'s bytes only in
 * that the envelope (some 70 bytes) is not compressed, and the first chunk ends a little early.
 */
export class PackedMatch {
  private constructor(
    private readonly packed: readonly PackedFrame[],
    private readonly maxBase64Chars: number,
  ) {}

  static of(events: readonly AnyEvent[], options: BatchingOptions = DEFAULT_BATCHING): PackedMatch {
    // The split depends on the events (and, for a frame near the size limit, on the envelope's
    // length, checked again when a frame is encoded).
    const planned = planFrames(events, { server: 'server', session: 'session' }, options);
    return new PackedMatch(
      planned.map(({ frame, sourceTs }) => ({
        events: frame.events,
        chunks: compressEvents(frame.events),
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
          bytes ??= encodePacked(frame, packed.chunks, maxBase64Chars);
          return bytes;
        },
      };
    });
  }
}

/**
 * The frame as MessagePack-CSharp's Lz4BlockArray: `[ext 98 [chunk lengths], bin32 block…]`. The
 * envelope's msgpack goes in front of the first block's first literals (that sequence's literal
 * run grows by it: its token and length bytes are written anew); every later byte, match offsets
 * included, stays as compressed (offsets only reach back within the events' own chunk).
 */
function encodePacked(frame: Frame, chunks: readonly EventsChunk[], maxBase64Chars: number): Uint8Array {
  const head = envelopeMsgpack(frame);
  const first = chunks[0];
  if (first === undefined) throw new Error('a frame has at least its events array header');
  const literals = first.literals + head.length;
  const lengthBytes: number[] = [];
  if (literals >= 15) {
    let rest = literals - 15;
    for (; rest >= 255; rest -= 255) lengthBytes.push(255);
    lengthBytes.push(rest);
  }
  const firstTail = first.block.subarray(first.literalsAt);
  const firstBlockLength = 1 + lengthBytes.length + head.length + firstTail.length;

  const declared = chunks.map((chunk, i) => compactUint(chunk.length + (i === 0 ? head.length : 0)));
  const declaredLength = declared.reduce((sum, bytes) => sum + bytes.length, 0);
  const size =
    3 +
    3 +
    declaredLength +
    5 +
    firstBlockLength +
    chunks.slice(1).reduce((sum, c) => sum + 5 + c.block.length, 0);
  const out = new Uint8Array(size);
  let at = 0;
  // The array: the lengths, then one block per chunk.
  const count = 1 + chunks.length;
  if (count <= 15) out[at++] = 0x90 + count;
  else {
    out[at++] = 0xdc;
    out[at++] = count >>> 8;
    out[at++] = count & 0xff;
  }
  // The lengths' ext header in its smallest form (fixext 1, 2, 4, 8, 16, else ext 8).
  const fixext = [1, 2, 4, 8, 16].indexOf(declaredLength);
  if (fixext >= 0) out[at++] = 0xd4 + fixext;
  else if (declaredLength <= 0xff) {
    out[at++] = 0xc7;
    out[at++] = declaredLength;
  } else throw new Error(`a frame of ${chunks.length} chunks is far over any frame limit`);
  out[at++] = LZ4_BLOCK_ARRAY_EXT_TYPE;
  for (const bytes of declared) {
    out.set(bytes, at);
    at += bytes.length;
  }
  at = bin32Header(out, at, firstBlockLength);
  out[at++] = (Math.min(literals, 15) << 4) | ((first.block[0] ?? 0) & 0x0f);
  for (const byte of lengthBytes) out[at++] = byte;
  out.set(head, at);
  at += head.length;
  out.set(firstTail, at);
  at += firstTail.length;
  for (const chunk of chunks.slice(1)) {
    at = bin32Header(out, at, chunk.block.length);
    out.set(chunk.block, at);
    at += chunk.block.length;
  }
  const bytes = out.subarray(0, at);
  if (base64Length(bytes.length) > maxBase64Chars && frame.events.length > 1)
    throw new Error(`frame ${frame.seq} of ${frame.session} is over the frame limit under this envelope`);
  return bytes;
}

/** The frame's map up to its last value: the envelope's entries, then the key `events`. */
function envelopeMsgpack(frame: Frame): Uint8Array {
  const { events: _events, ...envelope } = frame;
  const map = packr.pack(envelope);
  const entries = (map[0] ?? 0) & 0x0f;
  if ((map[0] ?? 0) >> 4 !== 0x8 || entries >= 15)
    throw new Error(`unexpected msgpack map header ${map[0]} for a frame envelope`);
  const head = new Uint8Array(map.length + EVENTS_KEY.length);
  head.set(map, 0);
  head.set(EVENTS_KEY, map.length);
  head[0] = 0x80 | (entries + 1);
  return head;
}

/** A bin32 header (MessagePack-CSharp writes every chunk so), at `at`; returns the next position. */
function bin32Header(out: Uint8Array, at: number, length: number): number {
  out[at] = 0xc6;
  out[at + 1] = (length >>> 24) & 0xff;
  out[at + 2] = (length >>> 16) & 0xff;
  out[at + 3] = (length >>> 8) & 0xff;
  out[at + 4] = length & 0xff;
  return at + 5;
}

/** A non-negative int in its most compact msgpack form (how the chunk lengths are written). */
function compactUint(value: number): Uint8Array {
  if (value <= 0x7f) return Uint8Array.of(value);
  if (value <= 0xff) return Uint8Array.of(0xcc, value);
  if (value <= 0xffff) return Uint8Array.of(0xcd, value >>> 8, value & 0xff);
  return Uint8Array.of(
    0xce,
    (value >>> 24) & 0xff,
    (value >>> 16) & 0xff,
    (value >>> 8) & 0xff,
    value & 0xff,
  );
}
