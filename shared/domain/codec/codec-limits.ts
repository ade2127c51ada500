/** Bounds the decoder enforces on untrusted input. */
export interface CodecLimits {
  /**
   * The largest frame, counted as base64 text (DESIGN.md: "at most 96 KiB after base64"). A
   * binary frame is held to the same bound: its size once base64-encoded.
   */
  maxFrameBase64Chars: number;
  /** The most bytes the LZ4 envelope may declare, checked before anything is allocated. */
  maxDecompressedBytes: number;
  /** The most events one frame may carry. */
  maxEvents: number;
}

export const DEFAULT_CODEC_LIMITS: Readonly<CodecLimits> = Object.freeze({
  maxFrameBase64Chars: 96 * 1024,
  maxDecompressedBytes: 1024 * 1024,
  maxEvents: 5_000,
});
