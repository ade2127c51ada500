import { decodeFrame, encodeFrame, SENDER_FRAME_BASE64_CHARS } from '@geqo/shared/domain/codec';
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import { describe, expect, it } from 'vitest';
import { planFrames } from './frame-batcher.ts';
import { PackedMatch } from './packed-match.ts';

const options = { maxEvents: 100, maxSpanMs: 1_250, maxBase64Chars: SENDER_FRAME_BASE64_CHARS };

describe('PackedMatch', () => {
  it('gives each sender the frames and bytes planFrames and encodeFrame give, under its own envelope', () => {
    // Arrange: one match, packed once, replayed by two servers in their own sessions
    const events = generateSyntheticMatch({ rounds: 2, seed: 11, startTs: 1_700_000_000_000 });
    const packed = PackedMatch.of(events, options);

    for (const envelope of [
      { server: 'srv_0123456789ab', session: 'soak-0-0' },
      { server: 'srv_ba9876543210', session: 'soak-49-123', match: 'm_1', tag: 'scrim', firstSeq: 7 },
    ]) {
      // Act
      const frames = packed.frames(envelope);

      // Assess: the split, the numbering and every byte as if planned and encoded for this sender
      const expected = planFrames(events, envelope, options);
      expect(frames.length).toBe(expected.length);
      expect(frames.map((f) => f.frame)).toEqual(expected.map((f) => f.frame));
      expect(frames.map((f) => f.sourceTs)).toEqual(expected.map((f) => f.sourceTs));
      for (const [i, frame] of frames.entries()) {
        expect(Buffer.from(frame.bytes).equals(Buffer.from(expected[i]!.bytes))).toBe(true);
        expect(Buffer.from(frame.bytes).equals(Buffer.from(encodeFrame(frame.frame)))).toBe(true);
      }
    }
  });

  it('makes a frame’s bytes once, when first read, and they decode to the frame', () => {
    const events = generateSyntheticMatch({ rounds: 1, seed: 3, startTs: 1_700_000_000_000 });
    const [first, second] = PackedMatch.of(events, options).frames({ server: 'srv_a', session: 's1' }, 2);

    const bytes = first!.bytes;

    expect(first!.bytes).toBe(bytes);
    const decoded = decodeFrame(second!.bytes);
    expect(decoded.ok && decoded.frame.seq).toBe(2);
    expect(decoded.ok && decoded.frame.events.length).toBe(second!.frame.events.length);
  });

  it('gives the first `count` frames only', () => {
    const events = generateSyntheticMatch({ rounds: 1, seed: 3, startTs: 1_700_000_000_000 });
    const packed = PackedMatch.of(events, options);

    expect(packed.frames({ server: 'srv_a', session: 's' }, 3).map((f) => f.frame.seq)).toEqual([1, 2, 3]);
    expect(packed.frames({ server: 'srv_a', session: 's' }, 0)).toEqual([]);
  });
});
