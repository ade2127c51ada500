import { describe, expect, it } from 'vitest';
import { Bounds, fitProjection } from './radar-projection.ts';

describe('radar projection', () => {
  it('fits the bounding box with one scale on both axes, north up, centred', () => {
    // Prepare: a box twice as wide as it is tall.
    const bounds = new Bounds();
    bounds.include(-2_000, -500);
    bounds.include(2_000, 1_500);

    // Act
    const projection = fitProjection(bounds, 500, 500, 50);

    // Assess: the width decides the scale; the centre is the canvas' centre; y is flipped.
    expect(projection.scale).toBeCloseTo(400 / 4_000);
    expect(projection.toCanvas(0, 500)).toEqual([250, 250]);
    expect(projection.toCanvas(-2_000, 500)).toEqual([50, 250]);
    expect(projection.toCanvas(0, 1_500)[1]).toBeCloseTo(150);
  });

  it('keeps a minimum span, so a few players together are not blown up', () => {
    // Prepare
    const bounds = new Bounds();
    bounds.include(100, 100);

    // Act
    const projection = fitProjection(bounds, 800, 800, 0);

    // Assess
    expect(projection.scale).toBe(1);
    expect(bounds.include(100, 100)).toBe(false);
    expect(bounds.include(101, 100)).toBe(true);
  });
});
