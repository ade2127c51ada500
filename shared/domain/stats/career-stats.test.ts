import { describe, expect, it } from 'vitest';
import type { MatchTimeline } from '../match/timeline.ts';
import { careerStats, computeStoredPlayerStats } from './career-stats.ts';
import { computeMatchStats } from './match-stats.ts';
import { death, round, TEAM_A, TEAM_B } from './test-helpers.ts';

function timeline(rounds: MatchTimeline['rounds']): MatchTimeline {
  return {
    matchId: 'm',
    map: 'de_test',
    status: 'finished',
    teams: [
      { name: TEAM_A, startSide: 'CT', score: 0 },
      { name: TEAM_B, startSide: 'T', score: 0 },
    ],
    players: [],
    rounds,
  };
}

/** a1 kills once in round 1, twice in round 2 (dies in round 3 of the first match only). */
const first = timeline([
  round({ number: 1, events: [death(1000, { attacker: 'a1', victim: 'b1' })] }),
  round({
    number: 2,
    events: [
      death(1000, { attacker: 'a1', victim: 'b1', headshot: true }),
      death(2000, { attacker: 'a1', victim: 'b2' }),
    ],
  }),
  round({ number: 3, winnerSide: 'T', events: [death(1000, { attacker: 'b1', victim: 'a1' })] }),
]);
const second = timeline([round({ number: 1, events: [death(1000, { attacker: 'a1', victim: 'b3' })] })]);

describe('career statistics', () => {
  it('store each match line with the KAST rounds and one-kill rounds it was summed from', () => {
    // Act
    const lines = computeStoredPlayerStats(first);

    // Assess
    const a1 = lines.find((line) => line.steamId === 'a1');
    expect(a1).toMatchObject({ kills: 3, kastRounds: 2, oneKillRounds: 1, roundsPlayed: 3 });
    expect(lines.map(({ kastRounds: _k, oneKillRounds: _o, ...line }) => line)).toEqual(
      computeMatchStats(first),
    );
  });

  it('recompute rates from the summed counts, as if every round were one match', () => {
    // Prepare
    const lines = [first, second].map(
      (match) => computeStoredPlayerStats(match).find((l) => l.steamId === 'a1')!,
    );
    const asOneMatch = computeMatchStats(
      timeline([...first.rounds, { ...second.rounds[0]!, number: 4 }]),
    ).find((line) => line.steamId === 'a1')!;

    // Act
    const career = careerStats('a1', lines);

    // Assess
    expect(career).toMatchObject({
      steamId: 'a1',
      matches: 2,
      roundsPlayed: 4,
      kills: 4,
      deaths: 1,
      headshotKills: 1,
      hsPercent: 25,
      kastRounds: 3,
      kast: 75,
      multiKills: { '2': 1, '3': 0, '4': 0, '5': 0 },
    });
    expect(career.rating1).toBe(asOneMatch.rating1);
    expect(career.rating2approx).toBe(asOneMatch.rating2approx);
    expect(career.adr).toBe(asOneMatch.adr);
  });

  it('give zeros for a player with no stored match', () => {
    // Act
    const career = careerStats('nobody', []);

    // Assess
    expect(career).toMatchObject({ matches: 0, roundsPlayed: 0, adr: 0, kast: 0, rating1: 0 });
  });
});
