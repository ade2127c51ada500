import { describe, expect, it } from 'vitest';
import type { LiveEvent } from './live-event.ts';
import type { Side } from './match-card.ts';
import { roundDetail } from './round-detail.ts';

let next = 0;
const live = (type: string, ts: number, data: Record<string, unknown>): LiveEvent => {
  next += 1;
  return { id: `s/x/${next}/0`, ts, type, round: 5, phase: 'live', postRound: false, data };
};
const SIDES: Record<string, Side> = { ct1: 'CT', ct2: 'CT', t1: 'T', t2: 'T' };
const sideOf = (steamId: string) => SIDES[steamId] ?? null;

describe('a round detail', () => {
  it('counts kills, enemy damage capped at the health left, utility and survivors per player', () => {
    // Prepare
    const events = [
      live('round_freeze_end', 1_000, {}),
      live('grenade_thrown', 2_000, { steamId: 't1', grenade: 'flashbang' }),
      live('player_hurt', 3_000, { attacker: 't1', victim: 'ct1', dmgHealth: 80, health: 20 }),
      live('player_hurt', 3_100, { attacker: 't1', victim: 'ct1', dmgHealth: 122, health: 0 }),
      live('player_hurt', 3_200, { attacker: 't2', victim: 't1', dmgHealth: 10, health: 90 }),
      live('player_death', 3_100, { attacker: 't1', victim: 'ct1', assister: 't2' }),
    ];

    // Act
    const detail = roundDetail(5, events, sideOf);
    const line = (steamId: string) => detail.players.find((player) => player.steamId === steamId);

    // Assess
    expect(line('t1')).toMatchObject({ kills: 1, damage: 100, utilityThrown: 1, survived: true });
    expect(line('t2')).toMatchObject({ assists: 1, damage: 0 });
    expect(line('ct1')).toMatchObject({ deaths: 1, survived: false });
  });

  it('values each side from the economy sample nearest seven seconds after freeze time', () => {
    // Prepare
    const economy = (ts: number, equip: number) =>
      live('economy', ts, {
        players: ['ct1', 'ct2', 't1', 't2'].map((steamId) => ({
          steamId,
          money: 300,
          equipValue: SIDES[steamId] === 'CT' ? equip : 900,
        })),
      });
    const events = [live('round_freeze_end', 10_000, {}), economy(11_000, 1_000), economy(17_000, 5_000)];

    // Act
    const detail = roundDetail(5, events, sideOf, (side) => side === 'T');

    // Assess
    expect(detail.economy).toEqual([
      { side: 'CT', equipValue: 5_000, buy: 'full' },
      { side: 'T', equipValue: 900, buy: 'eco' },
    ]);
    expect(roundDetail(13, events, sideOf).economy.map((side) => side.buy)).toEqual(['pistol', 'pistol']);
  });
});
