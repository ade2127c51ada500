import { describe, expect, it } from 'vitest';
import type { MatchTimeline, TimelinePlayer, TimelineRound } from '../match/timeline.ts';
import { aggregateMatchStats, buildRoundStats, computeMatchStats } from './match-stats.ts';
import { death, hurt, round, TEAM_A, TEAM_B } from './test-helpers.ts';

const players: TimelinePlayer[] = [
  ...['a1', 'a2', 'a3', 'a4', 'a5'].map((steamId) => ({
    steamId,
    name: steamId.toUpperCase(),
    team: TEAM_A,
  })),
  ...['b1', 'b2', 'b3', 'b4', 'b5'].map((steamId) => ({
    steamId,
    name: steamId.toUpperCase(),
    team: TEAM_B,
  })),
];

function timelineOf(rounds: TimelineRound[]): MatchTimeline {
  return {
    matchId: 'match-1',
    map: 'de_test',
    status: 'finished',
    teams: [
      { name: TEAM_A, startSide: 'CT', score: 0 },
      { name: TEAM_B, startSide: 'T', score: 0 },
    ],
    players,
    rounds,
  };
}

/** Round `number` in which a1 kills the `victims` one by one, 10 s apart. */
function roundWithKillsBy(number: number, victims: string[]): TimelineRound {
  return round({
    number,
    events: victims.map((victim, index) => death(1_000 + index * 10_000, { attacker: 'a1', victim })),
  });
}

describe('computeMatchStats', () => {
  it('sums rounds into match lines with per-round averages over the rounds played', () => {
    // Prepare: round 1, a1 deals 100 and kills b1 with a headshot; round 2, a1 deals 50 and dies
    const rounds = [
      round({
        number: 1,
        events: [
          hurt(1_000, { attacker: 'a1', victim: 'b1', dmgHealth: 140, health: 0 }),
          death(1_000, { attacker: 'a1', victim: 'b1', headshot: true }),
        ],
      }),
      round({
        number: 2,
        winnerSide: 'T',
        events: [
          hurt(1_000, { attacker: 'a1', victim: 'b2', dmgHealth: 50, health: 50 }),
          death(2_000, { attacker: 'b2', victim: 'a1' }),
        ],
      }),
    ];

    // Act
    const stats = computeMatchStats(timelineOf(rounds));

    // Assess
    const a1 = stats.find((line) => line.steamId === 'a1');
    expect(a1).toMatchObject({
      name: 'A1',
      team: TEAM_A,
      roundsPlayed: 2,
      kills: 1,
      deaths: 1,
      headshotKills: 1,
      hsPercent: 100,
      damage: 150,
      adr: 75,
      kast: 50,
      openingKills: 1,
      openingDeaths: 1,
    });
    expect(stats.map((line) => line.steamId)).toEqual(players.map((player) => player.steamId));
  });

  it('uses only the timeline rounds, so knife and voided rounds never count', () => {
    // Prepare: the engine left the knife round and a voided attempt of round 2 out of the timeline
    const rounds = [roundWithKillsBy(1, ['b1']), roundWithKillsBy(2, ['b2'])];

    // Act
    const stats = computeMatchStats(timelineOf(rounds));

    // Assess
    expect(stats.find((line) => line.steamId === 'a1')).toMatchObject({ roundsPlayed: 2, kills: 2 });
    expect(stats.every((line) => line.roundsPlayed === 2)).toBe(true);
  });

  it('counts multi-kill rounds by exact number of enemy kills', () => {
    // Prepare
    const rounds = [
      roundWithKillsBy(1, ['b1', 'b2']),
      roundWithKillsBy(2, ['b1', 'b2', 'b3']),
      roundWithKillsBy(3, ['b1', 'b2', 'b3', 'b4', 'b5']),
      roundWithKillsBy(4, ['b1', 'b2']),
      roundWithKillsBy(5, ['b1']),
    ];

    // Act
    const stats = computeMatchStats(timelineOf(rounds));

    // Assess
    expect(stats.find((line) => line.steamId === 'a1')?.multiKills).toEqual({
      '2': 2,
      '3': 1,
      '4': 0,
      '5': 1,
    });
  });

  it('counts clutches by number of opponents, won and attempted', () => {
    // Prepare: a5 and then b5 are left alone twice; T wins round 1, CT round 2
    const fourEach = ['a1', 'a2', 'a3', 'a4', 'b1', 'b2', 'b3', 'b4'].map((victim, index) =>
      death(1_000 + index * 10_000, { victim, weapon: 'world' }),
    );
    const rounds = [
      round({
        number: 1,
        winnerSide: 'T',
        events: [...fourEach, death(90_000, { attacker: 'b5', victim: 'a5' })],
      }),
      round({
        number: 2,
        winnerSide: 'CT',
        events: [...fourEach, death(90_000, { attacker: 'a5', victim: 'b5' })],
      }),
    ];

    // Act
    const stats = computeMatchStats(timelineOf(rounds));

    // Assess: a5 was left alone first (1v5), b5 later (1v1)
    const b5 = stats.find((line) => line.steamId === 'b5');
    const a5 = stats.find((line) => line.steamId === 'a5');
    expect(a5?.clutchesAttempted).toEqual({ '1': 0, '2': 0, '3': 0, '4': 0, '5': 2 });
    expect(a5?.clutchesWon).toEqual({ '1': 0, '2': 0, '3': 0, '4': 0, '5': 1 });
    expect(b5?.clutchesAttempted).toEqual({ '1': 2, '2': 0, '3': 0, '4': 0, '5': 0 });
    expect(b5?.clutchesWon).toEqual({ '1': 1, '2': 0, '3': 0, '4': 0, '5': 0 });
  });

  it('rates players with HLTV 1.0 and the 2.0 approximation', () => {
    // Prepare: a1 gets 2 kills in round 1 and survives both rounds
    const rounds = [roundWithKillsBy(1, ['b1', 'b2']), roundWithKillsBy(2, [])];

    // Act
    const a1 = computeMatchStats(timelineOf(rounds)).find((line) => line.steamId === 'a1');

    // Assess: KPR 1, survival 1, 4 multi-kill points over 2 rounds; KAST 100, no damage events
    const expectedRating1 = (1 / 0.679 + (0.7 * 1) / 0.317 + 2 / 1.277) / 2.7;
    const impact = 2.13 * 1 - 0.41;
    const expectedRating2 = 0.0073 * 100 + 0.3591 * 1 + 0.2372 * impact + 0.1587;
    expect(a1?.rating1).toBeCloseTo(expectedRating1, 2);
    expect(a1?.rating2approx).toBeCloseTo(expectedRating2, 2);
  });

  it('names a player missing from the player list by SteamID and their last team', () => {
    // Prepare
    const rounds = [
      round({
        number: 1,
        sides: { a1: 'CT', z9: 'T' },
        teams: { CT: TEAM_A, T: TEAM_B },
        events: [death(1_000, { attacker: 'z9', victim: 'a1' })],
      }),
    ];

    // Act
    const stats = computeMatchStats(timelineOf(rounds));

    // Assess
    expect(stats.map((line) => line.steamId)).toEqual(['a1', 'z9']);
    expect(stats[1]).toMatchObject({ name: 'z9', team: TEAM_B, kills: 1 });
  });
});

describe('aggregateMatchStats', () => {
  it('gives the same lines from per-round records kept as rounds end', () => {
    // Prepare
    const rounds = [roundWithKillsBy(1, ['b1', 'b2']), roundWithKillsBy(2, ['b3'])];
    const kept = rounds.map((entry) => buildRoundStats(entry));

    // Act
    const incremental = aggregateMatchStats(kept, players);

    // Assess
    expect(incremental).toEqual(computeMatchStats(timelineOf(rounds)));
  });

  it('keeps the replay of a round over its voided attempt', () => {
    // Prepare: round 2 was played (a1 got 3 kills), voided by a restore, then replayed (1 kill)
    const voidedAttempt = buildRoundStats(roundWithKillsBy(2, ['b1', 'b2', 'b3']));
    const replay = buildRoundStats(roundWithKillsBy(2, ['b4']));
    const first = buildRoundStats(roundWithKillsBy(1, []));

    // Act
    const stats = aggregateMatchStats([first, voidedAttempt, replay], players);

    // Assess
    expect(stats.find((line) => line.steamId === 'a1')).toMatchObject({ roundsPlayed: 2, kills: 1 });
  });
});
