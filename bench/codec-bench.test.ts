import { describe, expect, it } from 'vitest';
import { runCodecBench } from './codec-bench.ts';

describe('runCodecBench', () => {
  it('measures both decoders on the same frames and reports one line each', async () => {
    // Prepare
    const lines: string[] = [];

    // Act: a short run; the ratio itself depends on the machine's load, so only its shape is checked.
    const result = await runCodecBench({ frames: 5, seconds: 0.2, log: (line) => lines.push(line) });

    // Assess
    expect(result.frames).toBe(5);
    expect(result.eventsPerFrame).toBe(100);
    expect(result.averageWireBytes).toBeLessThan(result.averageMsgpackBytes);
    expect(result.ceiling.eventsPerSecond).toBeGreaterThan(0);
    expect(result.codec.eventsPerSecond).toBeGreaterThan(0);
    expect(result.codec.megabytesPerSecond).toBeGreaterThan(0);
    expect(result.ratio).toBeCloseTo(result.codec.eventsPerSecond / result.ceiling.eventsPerSecond);
    expect(result.passed).toBe(result.ratio >= 0.8);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^ceiling \(msgpackr \+ lz4js\): [\d,]+ events\/s, [\d.]+ MB\/s wire/);
    expect(lines[2]).toMatch(/^codec \(decodeFrame, validated\): [\d,]+ events\/s, [\d.]+ MB\/s wire/);
    expect(lines[3]).toMatch(/^ratio: [\d.]+ % of the ceiling/);
  });
});
