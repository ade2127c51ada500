import { describe, expect, it } from 'vitest';
import type { MatchDetail, PlayerMatchStats } from '../wire.ts';
import type { LiveEvent } from './live-event.ts';
import { MatchLiveState } from './match-state.ts';

const DETAIL: MatchDetail = {
  id: 'm1',
  serverId: 'srv_1',
  externalId: null,
  map: 'de_mirage',
  tag: null,
  status: 'live',
  teams: [
    { key: 'A', name: 'Alpha', startSide: 'CT', score: 0 },
    { key: 'B', name: 'Bravo', startSide: 'T', score: 0 },
  ],
  score: { Alpha: 0, Bravo: 0 },
  startedAt: '2026-01-01T18:00:00.000Z',
  endedAt: null,
  gaps: [],
  rounds: 0,
  events: 0,
};

let seq = 0;
function event(
  type: string,
  data: Record<string, unknown>,
  round = 1,
  extra: Partial<LiveEvent> = {},
): LiveEvent {
  seq += 1;
  return {
    id: `srv_1/s/${seq}/0`,
    ts: 1_000 + seq,
    type,
    round,
    phase: 'live',
    postRound: false,
    data,
    ...extra,
  };
}

const joins = [
  event('player_connect', { steamId: 'ct1', name: 'Ana' }),
  event('player_connect', { steamId: 't1', name: 'Ben' }),
  event('player_team', { steamId: 'ct1', side: 'CT' }),
  event('player_team', { steamId: 't1', side: 'T' }),
];

describe('MatchLiveState', () => {
  it('turns kills into feed entries with names, sides and marks, once each', () => {
    // Prepare
    const state = new MatchLiveState(DETAIL);
    const kill = event('player_death', {
      attacker: 'ct1',
      victim: 't1',
      weapon: 'awp',
      headshot: true,
      penetrated: 1,
      noscope: true,
    });

    // Act: the same kill from the REST history and then live.
    state.applyEvents([...joins, kill]);
    state.applyEvents([
      kill,
      event('player_death', { victim: 'ct1', weapon: 'world' }, 1, { postRound: true }),
    ]);

    // Assess
    expect(state.kills).toHaveLength(2);
    expect(state.kills[0]).toMatchObject({
      attacker: 'ct1',
      attackerSide: 'CT',
      victim: 't1',
      victimSide: 'T',
      headshot: true,
      wallbang: true,
      noscope: true,
      postRound: false,
    });
    expect(state.kills[1]).toMatchObject({ attacker: null, victim: 'ct1', postRound: true });
    expect(state.nameOf('ct1')).toBe('Ana');
    expect(state.nameOf('BOT:Kyle')).toBe('Kyle');
  });

  it('keeps the latest position of each player and grows the radar bounds', () => {
    // Prepare
    const state = new MatchLiveState(DETAIL);
    const before = state.radarVersion;

    // Act
    state.applyEvents([
      event('positions', {
        p: [
          ['ct1', 'ak47'],
          ['t1', null],
        ],
        n: '[-1000,200,0,90,100,0,1,1500,-300,0,null,0,null,0]',
      }),
      // The row form stored before the numbers were packed is read too.
      event('positions', { p: [['ct1', -900, 250, 0, 45, 73, 0, true, 'ak47'], ['bad'], 'junk'] }),
    ]);

    // Assess: only the living leave a trail.
    expect(state.positions.get('ct1')).toMatchObject({ x: -900, y: 250, yaw: 45, health: 73, alive: true });
    expect(state.positions.get('t1')).toMatchObject({ alive: false, yaw: null });
    expect(state.trailLength).toBe(2);
    expect([state.bounds.minX, state.bounds.maxX, state.bounds.minY, state.bounds.maxY]).toEqual([
      -1_000, -900, 200, 250,
    ]);
    expect(state.radarVersion).toBeGreaterThan(before);
  });

  it('follows phase and round from events, and drops voided rounds', () => {
    // Prepare
    const state = new MatchLiveState(DETAIL);
    for (const number of [1, 2, 3]) {
      state.applyRound({
        matchId: 'm1',
        number,
        winnerSide: 'CT',
        winnerTeam: 'Alpha',
        reason: 'ct_win',
        scoreAfter: { Alpha: number, Bravo: 0 },
        startedAt: 0,
        endedAt: 1,
      });
    }

    // Act
    state.applyEvents([event('pause', { kind: 'tactical' }, 4, { phase: 'paused' })]);
    state.voidRoundsFrom(3);

    // Assess
    expect(state.phase).toBe('paused');
    expect(state.currentRound).toBe(4);
    expect([...state.rounds.keys()]).toEqual([1, 2]);
  });

  it('counts a minimal scoreboard from events until the platform sends its statistics', () => {
    // Prepare
    const state = new MatchLiveState(DETAIL);
    state.applyEvents([
      ...joins,
      event('player_hurt', { attacker: 'ct1', victim: 't1', dmgHealth: 60, health: 40 }),
      event('player_hurt', { attacker: 'ct1', victim: 't1', dmgHealth: 120, health: 0 }),
      event('player_death', { attacker: 'ct1', victim: 't1', weapon: 'ak47', headshot: true }),
    ]);
    state.applyRound({
      matchId: 'm1',
      number: 1,
      winnerSide: 'CT',
      winnerTeam: 'Alpha',
      reason: 'ct_win',
      scoreAfter: { Alpha: 1, Bravo: 0 },
      startedAt: 0,
      endedAt: 1,
    });

    // Act
    const counted = state.scoreboard();
    const live = {
      steamId: 'ct1',
      name: 'Ana',
      team: 'Alpha',
      kills: 3,
      hsPercent: 33.33,
    } as PlayerMatchStats;
    state.applyLiveStats([live]);
    const fromServer = state.scoreboard();

    // Assess: damage capped at the health left (60 + 40), teams from the side played.
    expect(counted.source).toBe('events');
    expect(counted.lines.find((line) => line.steamId === 'ct1')).toMatchObject({
      name: 'Ana',
      team: 'Alpha',
      kills: 1,
      adr: 100,
      hsPercent: 100,
      kast: null,
    });
    expect(counted.lines.find((line) => line.steamId === 't1')).toMatchObject({ team: 'Bravo', deaths: 1 });
    expect(fromServer.source).toBe('live');
    expect(fromServer.lines).toEqual([
      expect.objectContaining({ steamId: 'ct1', kills: 3, hsPercent: 33.33 }),
    ]);
    expect(state.serverStatsSource).toBe('live');
  });

  it('tells which side a team plays from its players, else from the MR12 schedule', () => {
    // Prepare
    const state = new MatchLiveState(DETAIL);
    const alpha = state.match.teams[0]!;

    // Act: round 13 by the schedule, then the players' own sides (a format with other halves).
    state.applyEvents([event('round_start', {}, 13)]);
    const scheduled = state.sideOfTeam(alpha);
    state.applyEvents([...joins]);
    state.applyLiveStats([
      { steamId: 'ct1', name: 'Ana', team: 'Alpha' } as PlayerMatchStats,
      { steamId: 't1', name: 'Ben', team: 'Bravo' } as PlayerMatchStats,
    ]);
    const observed = state.sideOfTeam(alpha);

    // Assess
    expect(scheduled).toBe('T');
    expect(observed).toBe('CT');
    expect(state.teamOnSide('T')?.name).toBe('Bravo');
  });
  it('keeps the side a survivor was sampled on when the halftime swap follows the round', () => {
    // Prepare: the last sample of round 12, then the swap of both players.
    const state = new MatchLiveState(DETAIL);
    state.applyEvents(joins);
    state.applyEvents([
      event('positions', { p: [['t1', 10, 20, 0, 0, 100, 0, true, 'ak47']] }, 12),
      event('player_team', { steamId: 't1', side: 'CT' }, 12),
      event('player_team', { steamId: 'ct1', side: 'T' }, 12),
    ]);

    // Assess: drawn as the T it was in that round; its side now is CT.
    expect(state.positions.get('t1')?.side).toBe('T');
    expect(state.sides.get('t1')).toBe('CT');
  });
});
