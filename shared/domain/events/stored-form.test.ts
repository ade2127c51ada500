import { describe, expect, it } from 'vitest';
import type { EventOf, PlayerPosition } from './catalog.ts';
import { fromStoredForm, positionSamples, storedFormJson, toStoredForm } from './stored-form.ts';

const RIFLER: PlayerPosition = {
  steamId: '76561198081484775',
  pos: [1.5, -2, 30],
  yaw: 90,
  health: 100,
  armor: 0,
  alive: true,
  weapon: 'ak47',
};
const BOT: PlayerPosition = { steamId: 'BOT:Ava', pos: [0, 0, 0] };

describe('stored form', () => {
  it('stores the numbers of positions as one JSON text and brings back the canonical event', () => {
    const positions: EventOf<'positions'> = {
      type: 'positions',
      ts: 1_000,
      tick: 64,
      players: [RIFLER, BOT],
    };
    const stored = toStoredForm(positions);
    expect(stored).toEqual({
      type: 'positions',
      ts: 1_000,
      tick: 64,
      p: [
        ['76561198081484775', 'ak47'],
        ['BOT:Ava', null],
      ],
      n: '[1.5,-2,30,90,100,0,1,0,0,0,null,null,null,null]',
    });
    expect(fromStoredForm(JSON.parse(JSON.stringify(stored)))).toEqual(positions);
    expect(storedFormJson(positions)).toBe(JSON.stringify(stored));
    expect(storedFormJson({ ...positions, tick: undefined })).toBe(
      JSON.stringify({ ...stored, tick: undefined }),
    );
    expect(JSON.stringify(stored).length).toBeLessThan(JSON.stringify(positions).length * 0.75);
  });

  it('reads the rows stored before the numbers were packed', () => {
    const legacy = {
      type: 'positions',
      ts: 7,
      p: [
        ['76561198081484775', 1.5, -2, 30, 90, 100, 0, false, 'ak47'],
        ['BOT:Ava', 0, 0, 0, null, null, null, null, null],
      ],
    };
    expect(fromStoredForm(legacy)).toEqual({
      type: 'positions',
      ts: 7,
      players: [{ ...RIFLER, alive: false }, BOT],
    });
  });

  it('reads the samples of either form, leaving out invalid players', () => {
    const sample = {
      steamId: '7',
      x: -1703.36,
      y: 2,
      z: -260,
      yaw: null,
      health: 0,
      armor: null,
      alive: false,
      weapon: null,
    };
    expect(positionSamples({ p: [['7', null]], n: '[-1703.36,2,-260,null,0,null,0]' })).toEqual([sample]);
    expect(positionSamples({ p: [['7', -1703.36, 2, -260, null, 0, null, false, null]] })).toEqual([sample]);
    // Too few numbers for the second player, a row that is not one, numbers that do not parse.
    expect(
      positionSamples({ p: [['7', 'awp'], ['8', null], 'junk'], n: '[1,2,3,null,null,null,1,4]' }),
    ).toEqual([
      { steamId: '7', x: 1, y: 2, z: 3, yaw: null, health: null, armor: null, alive: true, weapon: 'awp' },
    ]);
    expect(positionSamples({ p: [['7', null]], n: '[1,2' })).toEqual([]);
    expect(positionSamples({ p: 'x' })).toEqual([]);
  });

  it('keeps every other event as it is', () => {
    const death = { type: 'player_death' as const, ts: 5, victim: '1', weapon: 'world' };
    expect(toStoredForm(death)).toBe(death);
    expect(storedFormJson(death)).toBe(JSON.stringify(death));
    expect(fromStoredForm({ ...death })).toEqual(death);
    const unknown = { type: 'positions', ts: 1, unknown: true as const, players: 'odd' };
    expect(toStoredForm(unknown)).toBe(unknown);
  });
});
