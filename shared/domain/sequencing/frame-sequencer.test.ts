import { describe, expect, it } from 'vitest';
import { createSequencerState, expireGaps, offerFrame, type SequencerOptions } from './frame-sequencer.ts';

const options: SequencerOptions = { maxBuffered: 3, maxWaitMs: 1_000, sessionTtlMs: 10_000 };

function offerAll(seqs: number[], arrivedAt = (i: number) => i) {
  const state = createSequencerState<number>();
  const applied: number[] = [];
  const gaps: unknown[] = [];
  let duplicates = 0;
  seqs.forEach((seq, i) => {
    const result = offerFrame(state, { session: 'a', seq, arrivedAt: arrivedAt(i), item: seq }, options);
    applied.push(...result.ready);
    gaps.push(...result.gaps);
    if (result.duplicate) duplicates += 1;
  });
  return { state, applied, gaps, duplicates };
}

describe('frame sequencer', () => {
  it.each([
    { name: 'in order', seqs: [1, 2, 3], applied: [1, 2, 3], duplicates: 0 },
    { name: 'reordered', seqs: [2, 3, 1, 4], applied: [1, 2, 3, 4], duplicates: 0 },
    { name: 'duplicate after apply', seqs: [1, 2, 1, 2, 3], applied: [1, 2, 3], duplicates: 2 },
    { name: 'duplicate while waiting', seqs: [3, 3, 1, 2], applied: [1, 2, 3], duplicates: 1 },
    {
      name: 'resend of a whole window',
      seqs: [1, 2, 3, 4, 2, 3, 4, 5],
      applied: [1, 2, 3, 4, 5],
      duplicates: 3,
    },
  ])('applies each seq once: $name', ({ seqs, applied, duplicates }) => {
    const outcome = offerAll(seqs);
    expect(outcome.applied).toEqual(applied);
    expect(outcome.duplicates).toBe(duplicates);
    expect(outcome.gaps).toEqual([]);
  });

  it('skips a gap once more frames wait than the bound allows', () => {
    const outcome = offerAll([1, 3, 4, 5, 6]);
    expect(outcome.applied).toEqual([1, 3, 4, 5, 6]);
    expect(outcome.gaps).toEqual([{ session: 'a', from: 2, to: 2, reason: 'buffer_full' }]);
  });

  it('skips a gap when the oldest waiting frame waited past the bound', () => {
    const outcome = offerAll([1, 4, 5], (i) => [0, 10, 2_000][i] ?? 0);
    expect(outcome.applied).toEqual([1, 4, 5]);
    expect(outcome.gaps).toEqual([{ session: 'a', from: 2, to: 3, reason: 'timeout' }]);
  });

  it('expires gaps when the stream is idle, and late frames of a skipped gap are duplicates', () => {
    const state = createSequencerState<number>();
    offerFrame(state, { session: 'a', seq: 2, arrivedAt: 0, item: 2 }, options);
    const expired = expireGaps(state, 5_000, options);
    expect(expired.ready).toEqual([2]);
    expect(expired.gaps).toEqual([{ session: 'a', from: 1, to: 1, reason: 'timeout' }]);
    expect(offerFrame(state, { session: 'a', seq: 1, arrivedAt: 5_001, item: 1 }, options).duplicate).toBe(
      true,
    );
  });

  it('keeps sessions apart and survives a JSON round trip', () => {
    const state = createSequencerState<number>();
    offerFrame(state, { session: 'a', seq: 1, arrivedAt: 0, item: 1 }, options);
    offerFrame(state, { session: 'b', seq: 2, arrivedAt: 0, item: 2 }, options);
    const restored = JSON.parse(JSON.stringify(state));
    expect(offerFrame(restored, { session: 'b', seq: 1, arrivedAt: 1, item: 1 }, options).ready).toEqual([
      1, 2,
    ]);
    expect(offerFrame(restored, { session: 'a', seq: 1, arrivedAt: 1, item: 1 }, options).duplicate).toBe(
      true,
    );
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'sequences a session named %s like any other, in a fresh state and one read back from JSON, leaving Object.prototype alone',
    (session) => {
      const prototypeNames = Object.getOwnPropertyNames(Object.prototype);
      const state = createSequencerState<number>();
      const first = [2, 1].flatMap(
        (seq) => offerFrame(state, { session, seq, arrivedAt: 0, item: seq }, options).ready,
      );
      const restored = JSON.parse(JSON.stringify(state));
      const resent = offerFrame(restored, { session, seq: 2, arrivedAt: 1, item: 2 }, options);
      const next = offerFrame(restored, { session, seq: 3, arrivedAt: 1, item: 3 }, options);

      expect(first).toEqual([1, 2]);
      expect(resent.duplicate).toBe(true);
      expect(next.ready).toEqual([3]);
      expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeNames);
      expect(Object.getPrototypeOf(state.sessions)).toBeNull();
    },
  );

  it('forgets idle sessions after their time to live', () => {
    const state = createSequencerState<number>();
    offerFrame(state, { session: 'a', seq: 1, arrivedAt: 0, item: 1 }, options);
    expireGaps(state, 20_000, options);
    expect(state.sessions).toEqual({});
  });
});
