import { describe, expect, it } from 'vitest';
import { type RatingInput, rating1, rating2approx } from './ratings.ts';

/** An average-looking line: 20 rounds, 14 kills, 13 deaths, 3 assists, 1500 damage, 14 KAST rounds. */
const line: RatingInput = {
  roundsPlayed: 20,
  kills: 14,
  deaths: 13,
  assists: 3,
  damage: 1500,
  kastRounds: 14,
  killRounds: { '1': 8, '2': 3, '3': 0, '4': 0, '5': 0 },
};

describe('rating1', () => {
  it('applies the HLTV 1.0 formula', () => {
    // Prepare: KPR 0.7, survival 0.35, multi-kill points (8 + 12) / 20 = 1
    const expected = (0.7 / 0.679 + (0.7 * 0.35) / 0.317 + 1 / 1.277) / 2.7;

    // Act
    const rating = rating1(line);

    // Assess
    expect(rating).toBeCloseTo(expected, 10);
    expect(rating).toBeCloseTo(0.96, 2);
  });

  it('is 0 for a player with no rounds', () => {
    // Prepare
    const empty = { ...line, roundsPlayed: 0 };

    // Act
    const rating = rating1(empty);

    // Assess
    expect(rating).toBe(0);
  });
});

describe('rating2approx', () => {
  it('applies the community approximation', () => {
    // Prepare: KAST 70 %, KPR 0.7, DPR 0.65, APR 0.15, ADR 75
    const impact = 2.13 * 0.7 + 0.42 * 0.15 - 0.41;
    const expected = 0.0073 * 70 + 0.3591 * 0.7 - 0.5329 * 0.65 + 0.2372 * impact + 0.0032 * 75 + 0.1587;

    // Act
    const rating = rating2approx(line);

    // Assess
    expect(rating).toBeCloseTo(expected, 10);
    expect(rating).toBeCloseTo(1.09, 2);
  });

  it('is 0 for a player with no rounds', () => {
    // Prepare
    const empty = { ...line, roundsPlayed: 0 };

    // Act
    const rating = rating2approx(empty);

    // Assess
    expect(rating).toBe(0);
  });
});
