/**
 * Raw LZ4 blocks: the plain block format, with no frame, magic or size prefix, as the lz4net
 * codec inside MessagePack-CSharp writes them. The block's output size is stored by the
 * caller (in msgpack), so decoding always knows exactly how many bytes to expect.
 *
 * ```
 * block          = sequence* last-sequence
 * sequence       = token lit-ext? literal{L} offset match-ext?
 * last-sequence  = token lit-ext? literal{L}              input ends right after the literals
 * token          = byte: high nibble L0, low nibble M0
 * lit-ext        = FF* x (x < FF), present when L0 = 15; L = L0 + sum of the ext bytes
 * offset         = u16 little-endian, 1..(bytes output so far in this block)
 * match-ext      = FF* x (x < FF), present when M0 = 15; match length = M0 + 4 + sum
 * ```
 *
 * lz4js's `decompressBlock` trusts its input: it reads past the block (as `undefined`, so a cut
 * literal run becomes zeros of the right length), follows offsets before the block start, and
 * writes past the end of its output. So every block is first walked by {@link measureLz4Block},
 * which reads only the sequence headers, and decoded only once its structure is proved sound
 * and its output length is exactly the declared one.
 */
import { compressBlock, compressBound, decompressBlock } from 'lz4js';

/** Why a block was refused. */
export type Lz4BlockFault =
  | 'empty'
  | 'truncated'
  | 'bad-offset'
  | 'longer-than-declared'
  | 'shorter-than-declared';

const MIN_MATCH = 4;

/**
 * The output length of the block in `src[start, end)`, or a fault. Stops as soon as the output
 * would exceed `limit`, so a block claiming a huge output costs no more than its own size.
 */
export function measureLz4Block(
  src: Uint8Array,
  start: number,
  end: number,
  limit: number,
): number | Lz4BlockFault {
  if (start >= end) return 'empty';
  let at = start;
  let produced = 0;
  for (;;) {
    const token = src[at++]!;
    let literalLength = token >>> 4;
    if (literalLength === 15) {
      let extra: number;
      do {
        if (at >= end) return 'truncated';
        extra = src[at++]!;
        literalLength += extra;
      } while (extra === 255);
    }
    if (literalLength > end - at) return 'truncated';
    at += literalLength;
    produced += literalLength;
    if (produced > limit) return 'longer-than-declared';
    if (at === end) return produced;
    if (end - at < 2) return 'truncated';
    const offset = src[at]! | (src[at + 1]! << 8);
    at += 2;
    if (offset === 0 || offset > produced) return 'bad-offset';
    let matchLength = token & 15;
    if (matchLength === 15) {
      let extra: number;
      do {
        if (at >= end) return 'truncated';
        extra = src[at++]!;
        matchLength += extra;
      } while (extra === 255);
    }
    produced += matchLength + MIN_MATCH;
    if (produced > limit) return 'longer-than-declared';
    // A well-formed block ends with literals, never with a match.
    if (at === end) return 'truncated';
  }
}

/**
 * Decodes the block in `src[start, end)` into `dst` at `dstStart`, which must have room for
 * `declaredLength` bytes. Returns `undefined` on success, or why the block was refused
 * (in which case `dst` is left untouched).
 */
export function decodeLz4Block(
  src: Uint8Array,
  start: number,
  end: number,
  dst: Uint8Array,
  dstStart: number,
  declaredLength: number,
): Lz4BlockFault | undefined {
  const measured = measureLz4Block(src, start, end, declaredLength);
  if (typeof measured === 'string') return measured;
  if (measured !== declaredLength) return 'shorter-than-declared';
  decompressBlock(src, dst, start, end - start, dstStart);
  return undefined;
}

/** lz4js keeps positions + 1 in a 64 Ki-entry table; it must be cleared for every block. */
const hashTable = new Uint32Array(1 << 16);

/**
 * The LZ4 spec (and lz4net's decoder, which MessagePack-CSharp uses) wants the last match to
 * start at least 12 bytes before the block's end. lz4js stops looking for matches 10 bytes
 * before the end, so it is given all but the last {@link HELD_BACK} bytes, and those are added
 * to its final literal run.
 */
const HELD_BACK = 2;

/** Compresses `src[start, end)` into one independent raw LZ4 block. */
export function encodeLz4Block(src: Uint8Array, start: number, end: number): Uint8Array {
  const length = end - start;
  const input = start === 0 && end === src.length ? src : src.subarray(start, end);
  const out = new Uint8Array(compressBound(length) + 16);
  hashTable.fill(0);
  const written = length > HELD_BACK ? compressBlock(input, out, 0, length - HELD_BACK, hashTable) : 0;
  if (written === 0) {
    // lz4js returns 0 when it found no match: the block is then one run of literals.
    return out.subarray(0, writeLiteralRun(out, 0, input, 0, length));
  }
  const lastRun = lastSequenceStart(out, written);
  return out.subarray(
    0,
    writeLiteralRun(out, lastRun.at, input, length - HELD_BACK - lastRun.literals, length),
  );
}

/** Where the final (literals-only) sequence of a well-formed block starts, and its literal count. */
function lastSequenceStart(block: Uint8Array, end: number): { at: number; literals: number } {
  let at = 0;
  for (;;) {
    const sequenceStart = at;
    const token = block[at++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      let extra: number;
      do {
        extra = block[at++]!;
        literals += extra;
      } while (extra === 255);
    }
    at += literals;
    if (at >= end) return { at: sequenceStart, literals };
    at += 2;
    if ((token & 15) === 15) {
      while (block[at++] === 255) {
        // the match length's extension bytes
      }
    }
  }
}

/** Writes a literals-only sequence of `src[from, to)` at `at`; returns the end position. */
function writeLiteralRun(dst: Uint8Array, at: number, src: Uint8Array, from: number, to: number): number {
  const count = to - from;
  let position = at;
  if (count >= 15) {
    dst[position++] = 0xf0;
    let rest = count - 15;
    for (; rest >= 255; rest -= 255) dst[position++] = 255;
    dst[position++] = rest;
  } else {
    dst[position++] = count << 4;
  }
  dst.set(src.subarray(from, to), position);
  return position + count;
}
