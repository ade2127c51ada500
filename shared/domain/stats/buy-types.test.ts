import { describe, expect, it } from 'vitest';
import type { AnyEvent, EventOf } from '../events/index.ts';
import type { TimelineRound } from '../match/timeline.ts';
import { computeRoundBuyTypes } from './buy-types.ts';
import { CT_PLAYERS, round, T_PLAYERS } from './test-helpers.ts';

const FREEZE_END = 20_000;

/** An economy sample where every CT has `ct` and every T has `t` (equipment value and money). */
function economy(
  ts: number,
  ct: { equipValue: number; money: number },
  t: { equipValue: number; money: number },
): EventOf<'economy'> {
  return {
    type: 'economy',
    ts,
    players: [
      ...CT_PLAYERS.map((steamId) => ({ steamId, ...ct })),
      ...T_PLAYERS.map((steamId) => ({ steamId, ...t })),
    ],
  };
}

function roundWith(number: number, events: AnyEvent[]): TimelineRound {
  return round({ number, events: [{ type: 'round_freeze_end', ts: FREEZE_END }, ...events] });
}

describe('computeRoundBuyTypes', () => {
  it('is null without economy events', () => {
    // Prepare
    const subject = roundWith(3, []);

    // Act
    const buys = computeRoundBuyTypes(subject);

    // Assess
    expect(buys).toBeNull();
  });

  it('calls the first round of each regulation half a pistol round, never overtime', () => {
    // Prepare
    const sample = economy(FREEZE_END + 7_000, { equipValue: 900, money: 0 }, { equipValue: 800, money: 0 });

    // Act
    const types = [1, 13, 25, 28].map(
      (number) => computeRoundBuyTypes(roundWith(number, [sample]))?.CT?.type,
    );

    // Assess
    expect(types).toEqual(['pistol', 'pistol', 'eco', 'eco']);
  });

  it('tells eco, full and semi buys apart by the side thresholds', () => {
    // Prepare: CT at 4400 is short of its 4500 line; T at 4000 is a full buy
    const semiAndFull = roundWith(5, [
      economy(FREEZE_END + 7_000, { equipValue: 4400, money: 1000 }, { equipValue: 4000, money: 500 }),
    ]);
    const ecoAndFull = roundWith(5, [
      economy(FREEZE_END + 7_000, { equipValue: 1000, money: 3000 }, { equipValue: 5200, money: 2000 }),
    ]);

    // Act
    const first = computeRoundBuyTypes(semiAndFull);
    const second = computeRoundBuyTypes(ecoAndFull);

    // Assess
    expect(first?.CT).toMatchObject({ team: 'Alpha', type: 'semi', equipValue: 4400, players: 5 });
    expect(first?.T).toMatchObject({ team: 'Bravo', type: 'full' });
    expect(second?.CT?.type).toBe('eco');
    expect(second?.T?.type).toBe('full');
  });

  it('calls a spend-everything buy after a lost round a force buy', () => {
    // Prepare: Bravo (T) lost round 4; both sides kept at most $400
    const previous = round({ number: 4, winnerSide: 'CT', events: [] });
    const subject = roundWith(5, [
      economy(FREEZE_END + 7_000, { equipValue: 3000, money: 300 }, { equipValue: 3000, money: 300 }),
    ]);

    // Act
    const buys = computeRoundBuyTypes(subject, previous);

    // Assess
    expect(buys?.T?.type).toBe('force');
    expect(buys?.CT?.type).toBe('semi');
  });

  it('values equipment at the sample nearest 7 s after freeze end', () => {
    // Prepare: a sample during freeze time, one at +6.5 s and one at +30 s
    const subject = roundWith(5, [
      economy(FREEZE_END - 5_000, { equipValue: 200, money: 4000 }, { equipValue: 200, money: 4000 }),
      economy(FREEZE_END + 6_500, { equipValue: 5000, money: 100 }, { equipValue: 5000, money: 100 }),
      economy(FREEZE_END + 30_000, { equipValue: 700, money: 100 }, { equipValue: 700, money: 100 }),
    ]);

    // Act
    const buys = computeRoundBuyTypes(subject);

    // Assess
    expect(buys?.CT?.type).toBe('full');
  });

  it('applies the economy settings', () => {
    // Prepare
    const subject = roundWith(5, [
      economy(FREEZE_END + 7_000, { equipValue: 1500, money: 0 }, { equipValue: 1500, money: 0 }),
    ]);

    // Act
    const buys = computeRoundBuyTypes(subject, null, { economy: { ecoMaxEquipValue: 2000 } });

    // Assess
    expect(buys?.CT?.type).toBe('eco');
  });
});
