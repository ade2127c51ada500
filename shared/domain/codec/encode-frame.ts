/**
 * Writes frames exactly as a MessagePack-CSharp plugin does: plain msgpack below 64 bytes,
 * otherwise the chosen LZ4 envelope (see msgpack-csharp-lz4.ts). Used by the replay client,
 * the benchmarks and the tests; the ingest path only decodes.
 */
import { type Options, Packr } from 'msgpackr';
import { encodeBase64Text } from './base64-text.ts';
import type { Frame } from './frame.ts';
import { type Compression, DEFAULT_LZ4_CHUNK_SIZE, wrapLz4 } from './msgpack-csharp-lz4.ts';
import type { ExtHeaderForm } from './msgpack-header.ts';

/** How {@link encodeFrame} writes a frame. */
export interface EncodeFrameOptions {
  /** Default `'lz4blockarray'`, MessagePack-CSharp's recommended mode. */
  compression?: Compression;
  /** Default `'smallest'` (v2/v3); `'ext32-v1'` always writes the 6-byte ext32 header, as v1 did. */
  extHeader?: ExtHeaderForm;
  /** Lz4BlockArray: uncompressed bytes per chunk, default 32 KiB. */
  chunkSize?: number;
}

// `skipValues` (left out of msgpackr's typings) drops undefined properties, as an optional
// field the C# side never wrote; variableMapSize writes the smallest map headers, as C# does.
const packrOptions: Options & { skipValues: unknown[] } = {
  useRecords: false,
  variableMapSize: true,
  skipValues: [undefined],
};
const packr = new Packr(packrOptions);

/** Encodes a frame to the bytes of one binary WebSocket message. The frame is not validated. */
export function encodeFrame(frame: Frame, options: EncodeFrameOptions = {}): Uint8Array {
  const msgpack = packr.pack(frame);
  const wrapped = wrapLz4(msgpack, options.compression ?? 'lz4blockarray', {
    extHeader: options.extHeader ?? 'smallest',
    chunkSize: options.chunkSize ?? DEFAULT_LZ4_CHUNK_SIZE,
  });
  // msgpackr returns a view into its own working buffer; hand out bytes the caller owns.
  return wrapped === msgpack ? new Uint8Array(msgpack) : wrapped;
}

/** Encodes a frame as base64 text, for transports that drop binary messages (API Gateway). */
export function encodeFrameBase64(frame: Frame, options: EncodeFrameOptions = {}): string {
  return encodeBase64Text(encodeFrame(frame, options));
}
