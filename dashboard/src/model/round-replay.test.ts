import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import { describe, expect, it } from 'vitest';
import { toStoredForm } from '../../../shared/domain/events/stored-form.ts';
import type { LiveEvent } from './live-event.ts';
import { mapOverview, RADAR_PIXELS, toRadarPixels } from './map-overviews.ts';
import { RoundReplay, sidesBefore, UTILITY_MS } from './round-replay.ts';

let nextId = 0;
function live(type: string, ts: number, data: Record<string, unknown>, round = 1): LiveEvent {
  nextId += 1;
  return { id: `s/x/${nextId}/0`, ts, type, round, phase: 'live', postRound: false, data };
}

function positions(ts: number, players: [string, number, number, number, string?][]): LiveEvent {
  const stored = toStoredForm({
    type: 'positions',
    ts,
    players: players.map(([steamId, x, y, yaw, weapon]) => ({
      steamId,
      pos: [x, y, 0],
      yaw,
      health: 100,
      armor: 100,
      alive: true,
      weapon: weapon ?? 'ak47',
    })),
  });
  return live('positions', ts, stored as unknown as Record<string, unknown>);
}

describe('a round replay', () => {
  it('interpolates a player between two samples, yaw the short way round', () => {
    // Prepare
    const replay = new RoundReplay(
      1,
      [positions(1_000, [['a', 0, 0, 350]]), positions(1_125, [['a', 100, -50, 10]])],
      new Map([['a', 'T']]),
    );

    // Act
    const [player] = replay.playersAt(1_062.5);

    // Assess
    expect(player?.x).toBeCloseTo(50);
    expect(player?.y).toBeCloseTo(-25);
    expect(player?.yaw).toBeCloseTo(360);
    expect(player?.side).toBe('T');
  });

  it('stands a player at their first sample before it (freeze time)', () => {
    const replay = new RoundReplay(1, [positions(5_000, [['a', 7, 8, 0]])], new Map([['a', 'CT']]));
    expect(replay.playersAt(1_000)).toEqual([
      expect.objectContaining({ steamId: 'a', x: 7, y: 8, alive: true }),
    ]);
  });

  it('keeps the sides the round was played on when a halftime swap follows it', () => {
    // Prepare: the last round of the half, then the swap.
    const replay = new RoundReplay(
      12,
      [positions(1_000, [['a', 0, 0, 0]]), live('player_team', 2_000, { steamId: 'a', side: 'CT' })],
      new Map([['a', 'T']]),
    );

    // Act
    const [player] = replay.playersAt(2_500);

    // Assess
    expect(player?.side).toBe('T');
  });

  it('marks a victim dead from the kill on, with where killer and victim stood', () => {
    // Prepare
    const replay = new RoundReplay(
      1,
      [
        positions(1_000, [
          ['a', 0, 0, 0],
          ['b', 500, 0, 180],
        ]),
        live('player_death', 1_050, {
          attacker: 'a',
          victim: 'b',
          weapon: 'ak47',
          headshot: true,
          attackerPos: [0, 0, 0],
          victimPos: [500, 0, 0],
        }),
      ],
      new Map([
        ['a', 'T'],
        ['b', 'CT'],
      ]),
    );

    // Act
    const before = replay.at(1_040);
    const after = replay.at(1_060);

    // Assess
    expect(before.kills).toHaveLength(0);
    expect(before.players.find((p) => p.steamId === 'b')?.alive).toBe(true);
    expect(after.kills).toEqual([
      expect.objectContaining({
        attacker: 'a',
        victim: 'b',
        attackerSide: 'T',
        victimSide: 'CT',
        headshot: true,
      }),
    ]);
    expect(after.kills[0]?.victimPos).toEqual([500, 0, 0]);
    expect(after.players.find((p) => p.steamId === 'b')?.alive).toBe(false);
  });

  it('shows utility from its detonation for as long as it lasts', () => {
    // Prepare
    const replay = new RoundReplay(
      1,
      [
        live('grenade_detonate', 1_000, { steamId: 'a', grenade: 'smokegrenade', pos: [1, 2, 3] }),
        live('grenade_detonate', 1_000, { steamId: 'a', grenade: 'molotov', pos: [4, 5, 6] }),
        live('grenade_detonate', 1_000, { steamId: 'a', grenade: 'hegrenade', pos: [7, 8, 9] }),
      ],
      new Map([['a', 'T']]),
    );

    // Act
    const kinds = (ts: number) => replay.at(ts).utility.map((item) => item.kind);

    // Assess
    expect(kinds(999)).toEqual([]);
    expect(kinds(1_000)).toEqual(['smoke', 'fire', 'he']);
    expect(kinds(1_000 + UTILITY_MS.he)).toEqual(['smoke', 'fire']);
    expect(kinds(1_000 + UTILITY_MS.fire)).toEqual(['smoke']);
    expect(kinds(1_000 + UTILITY_MS.smoke)).toEqual([]);
  });

  it('follows the bomb: its carrier, the plant where the planter stood, the defuse', () => {
    // Prepare
    const replay = new RoundReplay(
      1,
      [
        positions(1_000, [['a', 10, 20, 0, 'c4']]),
        positions(2_000, [['a', 30, 40, 0, 'c4']]),
        live('bomb_planted', 2_000, { steamId: 'a', site: 'B' }),
        live('bomb_defused', 9_000, { steamId: 'b', site: 'B' }),
      ],
      new Map([['a', 'T']]),
    );

    // Act
    const carried = replay.at(1_000).bomb;
    const planted = replay.at(5_000).bomb;
    const defused = replay.at(9_500).bomb;

    // Assess
    expect(carried).toMatchObject({ state: 'carried', carrier: 'a', pos: [10, 20, 0] });
    expect(planted).toMatchObject({ state: 'planted', site: 'B', pos: [30, 40, 0], since: 2_000 });
    expect(defused).toMatchObject({ state: 'defused', since: 9_000 });
  });

  it('replays a synthetic match round with players, kills, utility and a bomb event', () => {
    // Prepare: round 3 of a synthetic match in the stored form the API serves.
    const events = generateSyntheticMatch({ seed: 7, rounds: 4 }).map((event) =>
      live(event.type, event.ts, toStoredForm(event) as unknown as Record<string, unknown>),
    );
    const starts = events.filter((event) => event.type === 'round_start').map((event) => event.ts);
    const [from, to] = [starts[2]!, starts[3]!];
    const round = events.filter((event) => event.ts >= from && event.ts < to);

    // Act
    const replay = new RoundReplay(3, round, sidesBefore(events, from));
    const end = replay.at(replay.endTs);

    // Assess
    expect(replay.hasPositions).toBe(true);
    expect(replay.playersAt(from + 20_000)).toHaveLength(10);
    expect(end.kills.length).toBeGreaterThan(0);
    expect(replay.utility.length).toBeGreaterThan(0);
    expect(new Set(end.players.map((player) => player.side))).toEqual(new Set(['CT', 'T']));
  });
});

describe('the kill heatmap', () => {
  it('places enemy kills by the killer side of the moment, leaving out suicides and team kills', async () => {
    const { killHeat } = await import('./round-replay.ts');
    const heat = killHeat([
      live('player_team', 0, { steamId: 'a', side: 'T' }),
      live('player_team', 0, { steamId: 'b', side: 'CT' }),
      live('player_death', 1, { attacker: 'a', victim: 'b', victimPos: [1, 2, 3], attackerPos: [4, 5, 6] }),
      live('player_death', 2, { attacker: 'a', victim: 'a', victimPos: [9, 9, 9] }),
      live('player_team', 3, { steamId: 'a', side: 'CT' }),
      live('player_team', 3, { steamId: 'b', side: 'T' }),
      live('player_death', 4, { attacker: 'a', victim: 'b', victimPos: [7, 8, 9] }),
    ]);
    expect(heat).toEqual([
      { x: 1, y: 2, z: 3, side: 'T' },
      { x: 7, y: 8, z: 9, side: 'CT' },
    ]);
  });
});

describe('positions in either form', () => {
  it('reads the catalog form the REST API serves as the stored form the socket sends', async () => {
    const { samplesOf } = await import('./round-replay.ts');
    const catalog = {
      players: [{ steamId: 'a', pos: [1, 2, 3], yaw: 90, health: 50, armor: 0, alive: true, weapon: 'c4' }],
    };
    const stored = positions(0, [['a', 1, 2, 90, 'c4']]).data;
    expect(samplesOf(catalog)).toEqual([
      { steamId: 'a', x: 1, y: 2, z: 3, yaw: 90, health: 50, armor: 0, alive: true, weapon: 'c4' },
    ]);
    expect(samplesOf(stored)).toEqual([
      expect.objectContaining({ steamId: 'a', x: 1, y: 2, yaw: 90, weapon: 'c4' }),
    ]);
  });
});

describe('map overviews', () => {
  it('place every kill of the fixture matches inside their radar image', () => {
    // Prepare
    const dir = resolve(__dirname, '../../../../shared/fixtures/matches');
    const files = [
      '2026-02-09_de_nuke_FURIA_2-13_Team_Vitality.jsonl',
      '2026-05-17_de_ancient_Team_Spirit_13-10_Team_Falcons.jsonl',
    ];
    let checked = 0;
    for (const file of files) {
      const lines = readFileSync(resolve(dir, file), 'utf8').trim().split('\n');
      const events = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const overview = mapOverview(String(events.find((event) => event.type === 'map_start')?.map));
      expect(overview).not.toBeNull();
      for (const event of events.filter((candidate) => candidate.type === 'player_death')) {
        for (const pos of [event.attackerPos, event.victimPos] as (number[] | undefined)[]) {
          if (!pos) continue;
          // Act
          const [px, py] = toRadarPixels(overview!, pos[0]!, pos[1]!);
          // Assess
          expect(px).toBeGreaterThanOrEqual(0);
          expect(px).toBeLessThanOrEqual(RADAR_PIXELS);
          expect(py).toBeGreaterThanOrEqual(0);
          expect(py).toBeLessThanOrEqual(RADAR_PIXELS);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(400);
  });

  it('know a map by its workshop path and a level by its height', async () => {
    const { levelOf } = await import('./map-overviews.ts');
    const nuke = mapOverview('workshop/123/de_nuke');
    expect(nuke?.map).toBe('de_nuke');
    expect(levelOf(nuke, -700)).toBe('lower');
    expect(levelOf(nuke, -400)).toBe('upper');
    expect(levelOf(mapOverview('de_mirage'), -9_999)).toBe('upper');
    expect(mapOverview('cs_office')).toBeNull();
  });
});
