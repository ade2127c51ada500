import { describe, expect, it } from 'vitest';
import { decodeLz4Block, encodeLz4Block, measureLz4Block } from './lz4-block.ts';

/** Deterministic bytes: a mix of runs, repeated phrases and noise, like msgpack of events. */
function sampleBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    bytes[i] = state % 4 === 0 ? state >>> 16 : 0x61 + (i % 11);
  }
  return bytes;
}

/** The sequences of a block: where each match starts in the output and how long the last literal run is. */
function walkBlock(block: Uint8Array): { matchStarts: number[]; matchEnds: number[]; outputLength: number } {
  const matchStarts: number[] = [];
  const matchEnds: number[] = [];
  let at = 0;
  let produced = 0;
  for (;;) {
    const token = block[at++]!;
    let literals = token >>> 4;
    if (literals === 15) for (let extra = 255; extra === 255; literals += extra) extra = block[at++]!;
    at += literals;
    produced += literals;
    if (at >= block.length) return { matchStarts, matchEnds, outputLength: produced };
    at += 2;
    let match = token & 15;
    if (match === 15) for (let extra = 255; extra === 255; match += extra) extra = block[at++]!;
    matchStarts.push(produced);
    produced += match + 4;
    matchEnds.push(produced);
  }
}

describe('encodeLz4Block / decodeLz4Block', () => {
  it.each([0, 1, 12, 13, 64, 1_003, 40_000])('round-trips %i bytes', async (length) => {
    // Prepare
    const input = sampleBytes(length, length + 7);

    // Act
    const block = encodeLz4Block(input, 0, input.length);
    const output = new Uint8Array(length);
    const fault = decodeLz4Block(block, 0, block.length, output, 0, length);

    // Assess
    expect(fault).toBeUndefined();
    expect(output).toEqual(input);
  });

  it('compresses repetitive input', async () => {
    // Prepare
    const input = new Uint8Array(10_000).fill(0x42);

    // Act
    const block = encodeLz4Block(input, 0, input.length);

    // Assess
    expect(block.length).toBeLessThan(100);
  });

  it('encodes a slice of a larger buffer on its own, without references outside it', async () => {
    // Prepare
    const input = sampleBytes(5_000, 3);

    // Act
    const block = encodeLz4Block(input, 2_000, 3_000);
    const output = new Uint8Array(1_000);
    const fault = decodeLz4Block(block, 0, block.length, output, 0, 1_000);

    // Assess
    expect(fault).toBeUndefined();
    expect(output).toEqual(input.subarray(2_000, 3_000));
  });

  it('keeps the LZ4 end-of-block rules lz4net and liblz4 enforce', async () => {
    // The last match must start at least 12 bytes before the end, and the last 5 bytes are literals.
    for (let seed = 1; seed <= 200; seed++) {
      // Prepare
      const input = sampleBytes(20 + ((seed * 37) % 900), seed);

      // Act
      const { matchStarts, matchEnds, outputLength } = walkBlock(encodeLz4Block(input, 0, input.length));

      // Assess
      expect(outputLength).toBe(input.length);
      for (const start of matchStarts) expect(start).toBeLessThanOrEqual(input.length - 12);
      for (const end of matchEnds) expect(end).toBeLessThanOrEqual(input.length - 5);
    }
  });
});

describe('measureLz4Block', () => {
  // 70 zero bytes: one literal, a 64-byte match at offset 1, then five literals.
  const zeros70 = Uint8Array.of(0x1f, 0x00, 0x01, 0x00, 45, 0x50, 0, 0, 0, 0, 0);

  it('measures a well-formed block', async () => {
    // Act
    const measured = measureLz4Block(zeros70, 0, zeros70.length, 1_000);

    // Assess
    expect(measured).toBe(70);
  });

  it.each([
    ['an empty block', new Uint8Array(0), 'empty'],
    ['a literal run cut short', Uint8Array.of(0x50, 1, 2, 3), 'truncated'],
    ['a cut literal-length extension', Uint8Array.of(0xf0, 0xff), 'truncated'],
    ['a cut offset', Uint8Array.of(0x10, 0x00, 0x01), 'truncated'],
    ['a block ending in a match', Uint8Array.of(0x10, 0x00, 0x01, 0x00), 'truncated'],
    ['a zero offset', Uint8Array.of(0x10, 0x00, 0x00, 0x00, 0x10, 0x00), 'bad-offset'],
    ['an offset before the block start', Uint8Array.of(0x10, 0x00, 0x02, 0x00, 0x10, 0x00), 'bad-offset'],
  ])('refuses %s', async (_name, block, fault) => {
    // Act
    const measured = measureLz4Block(block, 0, block.length, 1_000);

    // Assess
    expect(measured).toBe(fault);
  });

  it('refuses a huge match length without producing its output', async () => {
    // Prepare: one literal, then a match whose length extension is 10,000 bytes of 0xFF (2.5 MB).
    const bomb = new Uint8Array(10_007).fill(0xff);
    bomb.set([0x1f, 0x00, 0x01, 0x00], 0);
    bomb.set([0x00, 0x10, 0x00], 10_004);

    // Act
    const measured = measureLz4Block(bomb, 0, bomb.length, 1_024);

    // Assess
    expect(measured).toBe('longer-than-declared');
  });

  it('makes decodeLz4Block refuse a block whose size differs from the declared one', async () => {
    // Prepare
    const output = new Uint8Array(80);

    // Act
    const shorter = decodeLz4Block(zeros70, 0, zeros70.length, output, 0, 71);
    const longer = decodeLz4Block(zeros70, 0, zeros70.length, output, 0, 69);

    // Assess
    expect(shorter).toBe('shorter-than-declared');
    expect(longer).toBe('longer-than-declared');
  });
});
