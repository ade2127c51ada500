import {
  DEFAULT_CODEC_LIMITS,
  decodeFrame,
  detectCompression,
  encodeFrame,
  SENDER_FRAME_BASE64_CHARS,
  unwrapLz4,
} from '@geqo/shared/domain/codec';
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import { describe, expect, it } from 'vitest';
import { planFrames } from './frame-batcher.ts';
import { PackedMatch } from './packed-match.ts';

const options = { maxEvents: 100, maxSpanMs: 1_250, maxBase64Chars: SENDER_FRAME_BASE64_CHARS };
const msgpackOf = (bytes: Uint8Array) => {
  const unwrapped = unwrapLz4(bytes, 1 << 20);
  if (!unwrapped.ok) throw new Error(unwrapped.message);
  return Buffer.from(unwrapped.msgpack);
};

const frameOf = (decoded: ReturnType<typeof decodeFrame>) => (decoded.ok ? decoded.frame : decoded);

describe('PackedMatch', () => {
  it('gives each sender the frames planFrames gives, as Lz4BlockArray bytes holding the msgpack encodeFrame compresses', () => {
    // Arrange: one match, packed once, replayed by two servers in their own sessions
    const events = generateSyntheticMatch({ rounds: 3, seed: 11, startTs: 1_700_000_000_000 });
    const packed = PackedMatch.of(events, options);

    for (const envelope of [
      { server: 'srv_0123456789ab', session: 'soak-0-0' },
      { server: 'srv_ba9876543210', session: 'soak-49-123', match: 'm_1', tag: 'scrim', firstSeq: 7 },
    ]) {
      // Act
      const frames = packed.frames(envelope);

      // Assess: the split and numbering as planned for this sender; every frame decodes (as ingest
      // decodes it) to the same msgpack and the same frame as encodeFrame's bytes, at about their size
      const expected = planFrames(events, envelope, options);
      expect(frames.map((f) => f.frame)).toEqual(expected.map((f) => f.frame));
      expect(frames.map((f) => f.sourceTs)).toEqual(expected.map((f) => f.sourceTs));
      for (const [i, { frame, bytes }] of frames.entries()) {
        const reference = encodeFrame(frame);
        expect(detectCompression(bytes)).toBe('lz4blockarray');
        expect(msgpackOf(bytes).equals(msgpackOf(reference))).toBe(true);
        expect(frameOf(decodeFrame(bytes))).toEqual(frameOf(decodeFrame(reference)));
        expect(Math.abs(bytes.length - expected[i]!.bytes.length)).toBeLessThan(120);
      }
    }
  });

  it('splits frames whose msgpack is over one 32 KiB chunk into chunks that ingest decodes', () => {
    // Arrange: frames of up to 1,000 events (several chunks of msgpack each) under a long session id
    const events = generateSyntheticMatch({ rounds: 2, seed: 5, startTs: 1_700_000_000_000 });
    const big = { maxEvents: 1_000, maxSpanMs: 60_000, maxBase64Chars: 10 * 1024 * 1024 };
    const frames = PackedMatch.of(events, big).frames({ server: 'srv_a', session: 's'.repeat(256) });

    // Act
    const multiChunk = frames.filter((f) => msgpackOf(f.bytes).length > 32 * 1024);

    // Assess
    expect(multiChunk.length).toBeGreaterThan(0);
    const limits = { ...DEFAULT_CODEC_LIMITS, maxFrameBase64Chars: 10 * 1024 * 1024 };
    for (const { frame, bytes } of multiChunk) {
      expect(msgpackOf(bytes).equals(msgpackOf(encodeFrame(frame)))).toBe(true);
      expect(frameOf(decodeFrame(bytes, limits))).toEqual(frameOf(decodeFrame(encodeFrame(frame), limits)));
    }
  });

  it('makes a frame’s bytes once, when first read', () => {
    const events = generateSyntheticMatch({ rounds: 1, seed: 3, startTs: 1_700_000_000_000 });
    const [first] = PackedMatch.of(events, options).frames({ server: 'srv_a', session: 's1' }, 1);

    const bytes = first!.bytes;

    expect(first!.bytes).toBe(bytes);
  });

  it('gives the first `count` frames only', () => {
    const events = generateSyntheticMatch({ rounds: 1, seed: 3, startTs: 1_700_000_000_000 });
    const packed = PackedMatch.of(events, options);

    expect(packed.frames({ server: 'srv_a', session: 's' }, 3).map((f) => f.frame.seq)).toEqual([1, 2, 3]);
    expect(packed.frames({ server: 'srv_a', session: 's' }, 0)).toEqual([]);
  });
});
