/**
 * MessagePack-CSharp's LZ4 envelopes (see /work/shared/reference/msgpack-csharp-lz4.md): the
 * compressed output is itself msgpack, wrapping raw LZ4 blocks (lz4-block.ts).
 *
 * ```
 * message        = lz4block | lz4blockarray | plain                    chosen by peeking, in that order
 * lz4block       = ext(type 99, N) {
 *                    int U                                             any int form; writers use D2 + int32
 *                    lz4-block                                         the rest of the N bytes, decodes to U
 *                  }
 * lz4blockarray  = array(K + 1) {
 *                    ext(type 98, E) { int len_1 … int len_K }         any int forms; writers use the smallest
 *                    bin lz4-block_1 … bin lz4-block_K                 C4/C5/C6; block i decodes to len_i
 *                  }
 * plain          = any msgpack value                                   always so below 64 bytes
 * ext            = any ext header form: fixext 1/2/4/8/16, ext 8/16/32 (v1 always wrote ext32)
 * ```
 * The output is the blocks' outputs joined in order. Declared lengths are checked (negative,
 * over the limit) before anything is allocated, and every block must come to exactly its
 * declared length. Nothing may follow the envelope.
 */
import { decodeLz4Block, encodeLz4Block, type Lz4BlockFault } from './lz4-block.ts';
import {
  arrayHeaderBytes,
  bin32HeaderBytes,
  compactUintBytes,
  type ExtHeaderForm,
  extHeaderBytes,
  int32Bytes,
  isArrayToken,
  isExtToken,
  peekExtType,
  readArrayHeader,
  readBinHeader,
  readExtHeader,
  readInt,
  TRUNCATED,
  WRONG_KIND,
} from './msgpack-header.ts';

/** MessagePack-CSharp's reserved ext type codes. */
export const LZ4_BLOCK_EXT_TYPE = 99;
export const LZ4_BLOCK_ARRAY_EXT_TYPE = 98;

/** Below this many bytes of msgpack, MessagePack-CSharp writes the message uncompressed. */
export const COMPRESSION_MIN_LENGTH = 64;

/** The pooled-segment size MessagePack-CSharp's chunks grow to (`MaximumAutoGrowSize`). */
export const DEFAULT_LZ4_CHUNK_SIZE = 32 * 1024;

/** How a message is (or is to be) compressed. */
export type Compression = 'none' | 'lz4block' | 'lz4blockarray';

/** Which envelope a message uses, from its first bytes only. */
export function detectCompression(bytes: Uint8Array): Compression {
  const first = bytes[0];
  if (first === undefined) return 'none';
  if (isExtToken(first)) return peekExtType(bytes, 0) === LZ4_BLOCK_EXT_TYPE ? 'lz4block' : 'none';
  if (isArrayToken(first)) {
    const array = readArrayHeader(bytes, 0);
    if (typeof array === 'number' || array.count < 1) return 'none';
    const element = bytes[array.next];
    if (
      element !== undefined &&
      isExtToken(element) &&
      peekExtType(bytes, array.next) === LZ4_BLOCK_ARRAY_EXT_TYPE
    ) {
      return 'lz4blockarray';
    }
  }
  return 'none';
}

/** The plain msgpack inside a message, or why it could not be had. */
export type UnwrapResult =
  | { ok: true; compression: Compression; msgpack: Uint8Array }
  | { ok: false; message: string };

/**
 * Returns the plain msgpack of a message: the input itself when it is not compressed, else the
 * joined output of its blocks. Rejections concern the envelope only (`BAD_COMPRESSION`).
 */
export function unwrapLz4(bytes: Uint8Array, maxDecompressedBytes: number): UnwrapResult {
  const compression = detectCompression(bytes);
  switch (compression) {
    case 'none':
      return { ok: true, compression, msgpack: bytes };
    case 'lz4block':
      return unwrapLz4Block(bytes, maxDecompressedBytes);
    case 'lz4blockarray':
      return unwrapLz4BlockArray(bytes, maxDecompressedBytes);
  }
}

function fail(message: string): { ok: false; message: string } {
  return { ok: false, message };
}

function checkDeclaredLength(length: number, total: number, max: number): string | undefined {
  if (length < 0) return `declared uncompressed length ${length} is negative`;
  if (total > max) return `declared uncompressed length ${total} is over the limit of ${max} bytes`;
  return undefined;
}

function describeFault(fault: Lz4BlockFault, declaredLength: number): string {
  switch (fault) {
    case 'empty':
      return 'LZ4 block is empty';
    case 'truncated':
      return 'LZ4 block is truncated';
    case 'bad-offset':
      return 'LZ4 block has a match offset outside the block output';
    case 'longer-than-declared':
      return `LZ4 block decodes to more than its declared ${declaredLength} bytes`;
    case 'shorter-than-declared':
      return `LZ4 block decodes to fewer than its declared ${declaredLength} bytes`;
  }
}

function unwrapLz4Block(bytes: Uint8Array, max: number): UnwrapResult {
  const ext = readExtHeader(bytes, 0);
  if (typeof ext === 'number') return fail('ext 99 header is truncated');
  if (ext.dataEnd > bytes.length) return fail('ext 99 data runs past the end of the input');
  if (ext.dataEnd < bytes.length) return fail('bytes follow the ext 99 value');
  const declared = readInt(bytes, ext.dataStart, ext.dataEnd);
  if (typeof declared === 'number') return fail('ext 99 does not start with an integer uncompressed length');
  const lengthProblem = checkDeclaredLength(declared.value, declared.value, max);
  if (lengthProblem) return fail(lengthProblem);
  const output = new Uint8Array(declared.value);
  const fault = decodeLz4Block(bytes, declared.next, ext.dataEnd, output, 0, declared.value);
  if (fault) return fail(describeFault(fault, declared.value));
  return { ok: true, compression: 'lz4block', msgpack: output };
}

function unwrapLz4BlockArray(bytes: Uint8Array, max: number): UnwrapResult {
  const array = readArrayHeader(bytes, 0);
  const ext = typeof array === 'number' ? array : readExtHeader(bytes, array.next);
  if (typeof array === 'number' || typeof ext === 'number') return fail('ext 98 header is truncated');
  if (ext.dataEnd > bytes.length) return fail('ext 98 data runs past the end of the input');
  const chunkCount = array.count - 1;
  if (chunkCount < 1) return fail('Lz4BlockArray has no chunks');
  // Every length takes at least one byte: a count the ext data cannot hold is refused before
  // anything is sized by it.
  if (chunkCount > ext.dataEnd - ext.dataStart) {
    return fail(`ext 98 holds fewer lengths than the ${chunkCount} chunks the array declares`);
  }

  const lengths = new Array<number>(chunkCount);
  let total = 0;
  let at = ext.dataStart;
  for (let chunk = 0; chunk < chunkCount; chunk++) {
    const length = readInt(bytes, at, ext.dataEnd);
    if (typeof length === 'number') {
      return fail(`ext 98 holds fewer lengths than the ${chunkCount} chunks the array declares`);
    }
    total += length.value;
    const lengthProblem = checkDeclaredLength(length.value, total, max);
    if (lengthProblem) return fail(`chunk ${chunk}: ${lengthProblem}`);
    lengths[chunk] = length.value;
    at = length.next;
  }
  if (at !== ext.dataEnd)
    return fail(`ext 98 holds more lengths than the ${chunkCount} chunks the array declares`);

  const blockStarts = new Array<number>(chunkCount);
  const blockEnds = new Array<number>(chunkCount);
  for (let chunk = 0; chunk < chunkCount; chunk++) {
    const bin = readBinHeader(bytes, at);
    if (bin === TRUNCATED)
      return fail(`Lz4BlockArray declares ${chunkCount} chunks but the input ends before chunk ${chunk}`);
    if (bin === WRONG_KIND) return fail(`chunk ${chunk} is not a bin value`);
    if (bin.dataEnd > bytes.length) return fail(`chunk ${chunk} runs past the end of the input`);
    blockStarts[chunk] = bin.dataStart;
    blockEnds[chunk] = bin.dataEnd;
    at = bin.dataEnd;
  }
  if (at !== bytes.length) return fail(`bytes follow the ${chunkCount} chunks the array declares`);

  const output = new Uint8Array(total);
  let written = 0;
  for (let chunk = 0; chunk < chunkCount; chunk++) {
    const length = lengths[chunk]!;
    const fault = decodeLz4Block(bytes, blockStarts[chunk]!, blockEnds[chunk]!, output, written, length);
    if (fault) return fail(`chunk ${chunk}: ${describeFault(fault, length)}`);
    written += length;
  }
  return { ok: true, compression: 'lz4blockarray', msgpack: output };
}

/** How to write an envelope. */
export interface Lz4WrapOptions {
  extHeader: ExtHeaderForm;
  /** Lz4BlockArray only: the most uncompressed bytes per chunk. */
  chunkSize: number;
}

/**
 * Wraps plain msgpack as MessagePack-CSharp would: unchanged below
 * {@link COMPRESSION_MIN_LENGTH} bytes or for `'none'`, else in the chosen envelope.
 */
export function wrapLz4(msgpack: Uint8Array, compression: Compression, options: Lz4WrapOptions): Uint8Array {
  if (compression === 'none' || msgpack.length < COMPRESSION_MIN_LENGTH) return msgpack;
  if (compression === 'lz4block') return wrapLz4Block(msgpack, options.extHeader);
  return wrapLz4BlockArray(msgpack, options);
}

function wrapLz4Block(msgpack: Uint8Array, extHeader: ExtHeaderForm): Uint8Array {
  const block = encodeLz4Block(msgpack, 0, msgpack.length);
  const declaredLength = int32Bytes(msgpack.length);
  return concat([
    extHeaderBytes(LZ4_BLOCK_EXT_TYPE, declaredLength.length + block.length, extHeader),
    declaredLength,
    block,
  ]);
}

function wrapLz4BlockArray(msgpack: Uint8Array, options: Lz4WrapOptions): Uint8Array {
  if (!Number.isInteger(options.chunkSize) || options.chunkSize < 1) {
    throw new RangeError(`chunkSize must be a positive integer, got ${options.chunkSize}`);
  }
  const lengthParts: Uint8Array[] = [];
  const chunkParts: Uint8Array[] = [];
  for (let start = 0; start < msgpack.length; start += options.chunkSize) {
    const end = Math.min(start + options.chunkSize, msgpack.length);
    const block = encodeLz4Block(msgpack, start, end);
    lengthParts.push(compactUintBytes(end - start));
    chunkParts.push(bin32HeaderBytes(block.length), block);
  }
  const lengths = concat(lengthParts);
  return concat([
    arrayHeaderBytes(lengthParts.length + 1),
    extHeaderBytes(LZ4_BLOCK_ARRAY_EXT_TYPE, lengths.length, options.extHeader),
    lengths,
    ...chunkParts,
  ]);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
