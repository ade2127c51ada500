import { describe, expect, it } from 'vitest';
import type { PlannedFrame } from './frame-batcher.ts';
import { replayPhaseMs } from './replay-run.ts';

/** Frames whose first events are `sourceTs` apart (the frames' contents do not matter here). */
function framesAt(...sourceTs: number[]): PlannedFrame[] {
  return sourceTs.map((ts, i) => ({
    frame: { v: 1, server: 'srv_a', session: 's', seq: i + 1, sentAt: 0, events: [] },
    bytes: new Uint8Array(),
    sourceTs: ts,
  }));
}

describe('replayPhaseMs', () => {
  it('spreads N paced connections evenly over one mean frame interval', () => {
    // Arrange: 5 frames over 4 s of play, replayed at 2x: one frame every 500 ms of wall time
    const frames = framesAt(1_000, 2_000, 3_000, 4_000, 5_000);

    // Act
    const phases = [0, 1, 2, 3].map((connection) => replayPhaseMs(frames, 2, connection, 4));

    // Assess
    expect(phases).toEqual([0, 125, 250, 375]);
  });

  it('starts everything at once at full speed, for a single connection, or a single frame', () => {
    const frames = framesAt(0, 1_000);

    expect(replayPhaseMs(frames, 'max', 3, 4)).toBe(0);
    expect(replayPhaseMs(frames, 1, 0, 1)).toBe(0);
    expect(replayPhaseMs(framesAt(0), 1, 3, 4)).toBe(0);
  });
});
