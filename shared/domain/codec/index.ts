export { base64Length } from './base64-text.ts';
export { type CodecLimits, DEFAULT_CODEC_LIMITS, SENDER_FRAME_BASE64_CHARS } from './codec-limits.ts';
export { type DecodeResult, decodeFrame, type FrameRejection } from './decode-frame.ts';
export { type EncodeFrameOptions, encodeFrame, encodeFrameBase64 } from './encode-frame.ts';
export { checkEvents, type EventsCheck, type EventsSorted, sortEvents } from './event-validation.ts';
export { FRAME_VERSION, type Frame } from './frame.ts';
export { FRAME_ERROR_CODES, type FrameErrorCode } from './frame-error-codes.ts';
export { decodeLz4Block, encodeLz4Block, type Lz4BlockFault, measureLz4Block } from './lz4-block.ts';
export {
  COMPRESSION_MIN_LENGTH,
  type Compression,
  DEFAULT_LZ4_CHUNK_SIZE,
  detectCompression,
  LZ4_BLOCK_ARRAY_EXT_TYPE,
  LZ4_BLOCK_EXT_TYPE,
  type UnwrapResult,
  unwrapLz4,
  wrapLz4,
} from './msgpack-csharp-lz4.ts';
export type { ExtHeaderForm } from './msgpack-header.ts';
export { isStorableText } from './storable-check.ts';
export { findUnstorable, type StorableFault } from './storable-value.ts';
