/** Bounds the decoder enforces on untrusted input. */
export interface CodecLimits {
  /**
   * The largest frame, counted as base64 text (DESIGN.md: "at most 32 KiB after base64", as API
   * Gateway closes a WebSocket frame over 32 KB with 1009). A binary frame is held to the same
   * bound: its size once base64-encoded.
   */
  maxFrameBase64Chars: number;
  /** The most bytes the LZ4 envelope may declare, checked before anything is allocated. */
  maxDecompressedBytes: number;
  /** The most events one frame may carry. */
  maxEvents: number;
}

export const DEFAULT_CODEC_LIMITS: Readonly<CodecLimits> = Object.freeze({
  maxFrameBase64Chars: 32 * 1024,
  maxDecompressedBytes: 1024 * 1024,
  maxEvents: 5_000,
});

/**
 * What a sender aims for: every frame under 32,000 characters of base64, one WebSocket frame each,
 * which fits API Gateway's 32 KB frame limit however "KB" is counted.
 */
export const SENDER_FRAME_BASE64_CHARS = 32_000;
