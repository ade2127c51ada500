import { decodeFrame, encodeFrame } from '@geqo/shared/domain/codec';
import type { EventOf, GameEvent, Side } from '@geqo/shared/domain/events';
import { describe, expect, it } from 'vitest';
import { generateSyntheticMatch } from './synthetic-match.ts';

const match = generateSyntheticMatch({ seed: 7 });

function ofType<K extends GameEvent['type']>(events: GameEvent[], type: K): EventOf<K>[] {
  return events.filter((event): event is EventOf<K> => event.type === type);
}

/** The events of each round, from its round_start to its round_end. */
function rounds(events: GameEvent[]): GameEvent[][] {
  const result: GameEvent[][] = [];
  let current: GameEvent[] | undefined;
  for (const event of events) {
    if (event.type === 'round_start') current = [];
    current?.push(event);
    if (event.type === 'round_end' && current) {
      result.push(current);
      current = undefined;
    }
  }
  return result;
}

describe('generateSyntheticMatch', () => {
  it('is deterministic for a seed and varies between seeds', async () => {
    // Act
    const again = generateSyntheticMatch({ seed: 7 });
    const other = generateSyntheticMatch({ seed: 8 });

    // Assess
    expect(again).toEqual(match);
    expect(other).not.toEqual(match);
  });

  it('never lets ts go backwards, and starts at startTs', async () => {
    // Prepare
    const startTs = 1_700_000_000_000;

    // Act
    const events = generateSyntheticMatch({ seed: 3, rounds: 4, startTs });

    // Assess
    expect(events[0]!.ts).toBe(startTs);
    for (const stream of [events, match]) {
      const backwards = stream.filter((event, index) => index > 0 && event.ts < stream[index - 1]!.ts);
      expect(backwards).toEqual([]);
    }
  });

  it('produces only events the codec accepts', async () => {
    // Act
    const rejected: string[] = [];
    for (let start = 0; start < match.length; start += 100) {
      const frame = {
        v: 1 as const,
        server: 's',
        session: 'b',
        seq: start / 100 + 1,
        sentAt: 0,
        events: match.slice(start, start + 100),
      };
      const result = decodeFrame(encodeFrame(frame));
      if (!result.ok) rejected.push(result.message);
      else if (result.unknownTypes > 0) rejected.push('unknown type');
    }

    // Assess
    expect(rejected).toEqual([]);
  });

  it('opens with the map, ten players on two sides, team names and match start', async () => {
    // Act
    const opening = match.slice(0, match.findIndex((event) => event.type === 'match_start') + 1);

    // Assess
    expect(opening[0]).toMatchObject({ type: 'map_start', map: 'de_mirage' });
    expect(ofType(opening, 'player_connect')).toHaveLength(10);
    const sides = ofType(opening, 'player_team').map((event) => event.side);
    expect(sides.filter((side) => side === 'CT')).toHaveLength(5);
    expect(sides.filter((side) => side === 'T')).toHaveLength(5);
    expect(ofType(opening, 'team_names')).toHaveLength(1);
    expect(opening.at(-1)!.type).toBe('match_start');
  });

  it('keeps the running score consistent, side by side, and ends 13-11 after 24 rounds', async () => {
    // Prepare
    const ends = ofType(match, 'round_end');
    let previous = { CT: 0, T: 0 };

    // Act & Assess
    expect(ends).toHaveLength(24);
    ends.forEach((end, index) => {
      const round = index + 1;
      if (round === 13) previous = { CT: previous.T, T: previous.CT }; // sides swap at halftime
      const expected = { ...previous, [end.winner]: previous[end.winner] + 1 };
      expect({ CT: end.scoreCT, T: end.scoreT }).toEqual(expected);
      if (end.reason === 'ct_win' || end.reason === 'bomb_defused') expect(end.winner).toBe('CT');
      if (end.reason === 't_win' || end.reason === 'target_bombed') expect(end.winner).toBe('T');
      previous = expected;
    });
    const final = ofType(match, 'match_end');
    expect(final).toHaveLength(1);
    expect({ CT: final[0]!.scoreCT, T: final[0]!.scoreT }).toEqual(previous);
    expect([previous.CT, previous.T].sort()).toEqual([11, 13]);
    expect(match.at(-1)!.type).toBe('match_end');
  });

  it('swaps every player after round 12, with one halftime', async () => {
    // Prepare
    const halftime = match.findIndex((event) => event.type === 'halftime');
    const endsBefore = ofType(match.slice(0, halftime), 'round_end');
    const initialSide = new Map(
      ofType(match.slice(0, halftime), 'player_team').map((event) => [event.steamId, event.side]),
    );

    // Act
    const swaps = ofType(match.slice(halftime), 'player_team');

    // Assess
    expect(ofType(match, 'halftime')).toHaveLength(1);
    expect(endsBefore).toHaveLength(12);
    expect(swaps).toHaveLength(10);
    for (const swap of swaps) expect(swap.side).not.toBe(initialSide.get(swap.steamId));
  });

  it('only hurts and kills living players, with health falling, and ends eliminations on the last death', async () => {
    for (const round of rounds(match)) {
      // Prepare
      const side = new Map<string, Side>();
      for (const spawn of ofType(round, 'player_spawn')) side.set(spawn.steamId, spawn.side!);
      const alive = new Set(side.keys());
      const health = new Map([...side.keys()].map((steamId) => [steamId, 100]));

      // Act & Assess
      for (const event of round) {
        if (event.type === 'player_hurt') {
          expect(alive.has(event.victim)).toBe(true);
          expect(alive.has(event.attacker!)).toBe(true);
          expect(event.health).toBeLessThan(health.get(event.victim)!);
          expect(event.health).toBe(Math.max(0, health.get(event.victim)! - event.dmgHealth));
          health.set(event.victim, event.health);
        }
        if (event.type === 'player_death') {
          expect(alive.has(event.victim)).toBe(true);
          expect(side.get(event.attacker!)).not.toBe(side.get(event.victim));
          expect(health.get(event.victim)).toBe(0);
          alive.delete(event.victim);
        }
        if (event.type === 'weapon_fire') expect(alive.has(event.steamId)).toBe(true);
      }
      const end = round.at(-1) as EventOf<'round_end'>;
      const survivors = (which: Side) => [...alive].filter((steamId) => side.get(steamId) === which).length;
      const loser = end.winner === 'CT' ? 'T' : 'CT';
      if (end.reason === 'ct_win' || end.reason === 't_win') {
        expect(survivors(loser)).toBe(0);
        expect(round.at(-2)!.type).toBe('player_death');
      } else {
        expect(survivors(loser)).toBeGreaterThan(0);
        expect(ofType(round, 'bomb_planted')).toHaveLength(1);
      }
      expect(survivors(end.winner)).toBeGreaterThan(0);
    }
  });

  it('samples all ten players at 8 Hz, with positions that agree with deaths', async () => {
    // Prepare
    const round = rounds(match)[5]!;
    const positions = ofType(round, 'positions');
    const deathTs = new Map(ofType(round, 'player_death').map((death) => [death.victim, death.ts]));

    // Act
    const gaps = positions.slice(1).map((sample, index) => sample.ts - positions[index]!.ts);

    // Assess
    expect(new Set(gaps)).toEqual(new Set([125]));
    for (const sample of positions) {
      expect(sample.players).toHaveLength(10);
      for (const player of sample.players) {
        const diedAt = deathTs.get(player.steamId);
        expect(player.alive).toBe(diedAt === undefined || sample.ts < diedAt);
      }
    }
  });

  it('buys at round start and makes a realistic 1,200-1,800 events per round on average', async () => {
    // Act
    const perRound = rounds(match).map((round) => round.length);
    const average = perRound.reduce((sum, count) => sum + count, 0) / perRound.length;
    const freezeEnds = ofType(match, 'round_freeze_end');
    const buysBeforeFreezeEnd = ofType(match, 'item_purchase').every((purchase) =>
      freezeEnds.some((freezeEnd) => freezeEnd.ts > purchase.ts && freezeEnd.ts - purchase.ts < 15_000),
    );

    // Assess
    expect(average).toBeGreaterThan(1_200);
    expect(average).toBeLessThan(1_800);
    expect(ofType(match, 'economy')).toHaveLength(24);
    expect(buysBeforeFreezeEnd).toBe(true);
  });

  it('plays any number of rounds, with halftime at half of them', async () => {
    // Act
    const short = generateSyntheticMatch({ seed: 11, rounds: 5 });

    // Assess
    const ends = ofType(short, 'round_end');
    const final = ofType(short, 'match_end')[0]!;
    expect(ends).toHaveLength(5);
    expect([final.scoreCT, final.scoreT].sort()).toEqual([2, 3]);
    expect(short.findIndex((event) => event.type === 'halftime')).toBeGreaterThan(short.indexOf(ends[1]!));
    expect(short.findIndex((event) => event.type === 'halftime')).toBeLessThan(short.indexOf(ends[2]!));
  });
});
