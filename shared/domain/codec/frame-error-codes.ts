/**
 * The stable codes a rejected frame is answered with (DESIGN.md section 3). Clients may
 * branch on them, so they never change meaning.
 */
export const FRAME_ERROR_CODES = [
  /** The input is over the frame limit. */
  'FRAME_TOO_LARGE',
  /** A text frame is not valid base64. */
  'BAD_BASE64',
  /** The LZ4 envelope is malformed, declares a bad size, or a block is corrupt. */
  'BAD_COMPRESSION',
  /** Not decodable msgpack, trailing bytes, or the top value is not a map. */
  'BAD_MSGPACK',
  /** An envelope field or an event field is invalid. */
  'SCHEMA',
  /** More events than the limit. */
  'TOO_MANY_EVENTS',
  /** `v` is not a version this codec reads. */
  'UNSUPPORTED_VERSION',
] as const;

export type FrameErrorCode = (typeof FRAME_ERROR_CODES)[number];
