import { describe, expect, it } from 'vitest';
import type { EventOf } from './catalog.ts';
import { fromStoredForm, storedFormJson, toStoredForm } from './stored-form.ts';

describe('stored form', () => {
  it('stores positions as rows and brings back the canonical event, optional fields included', () => {
    const positions: EventOf<'positions'> = {
      type: 'positions',
      ts: 1_000,
      tick: 64,
      players: [
        {
          steamId: '76561198081484775',
          pos: [1.5, -2, 30],
          yaw: 90,
          health: 100,
          armor: 0,
          alive: true,
          weapon: 'ak47',
        },
        { steamId: 'BOT:Ava', pos: [0, 0, 0] },
      ],
    };
    const stored = toStoredForm(positions);
    expect(stored).toEqual({
      type: 'positions',
      ts: 1_000,
      tick: 64,
      p: [
        ['76561198081484775', 1.5, -2, 30, 90, 100, 0, true, 'ak47'],
        ['BOT:Ava', 0, 0, 0, null, null, null, null, null],
      ],
    });
    expect(fromStoredForm(JSON.parse(JSON.stringify(stored)))).toEqual(positions);
    expect(storedFormJson(positions)).toBe(JSON.stringify(stored));
    expect(storedFormJson({ ...positions, tick: undefined })).toBe(
      JSON.stringify({ ...stored, tick: undefined }),
    );
    expect(JSON.stringify(stored).length).toBeLessThan(JSON.stringify(positions).length * 0.75);
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
