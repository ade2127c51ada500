import { describe, expect, it } from 'vitest';
import { RoundKillTracker } from './kill-tracker.ts';
import { death, fiveVsFive } from './test-helpers.ts';

describe('RoundKillTracker', () => {
  describe('opening kill and death', () => {
    it('flags the first death of the round and credits an enemy killer', () => {
      // Prepare
      const tracker = new RoundKillTracker(fiveVsFive());

      // Act
      const first = tracker.onDeath(death(1000, { attacker: 'a1', victim: 'b1' }));
      const second = tracker.onDeath(death(2000, { attacker: 'a2', victim: 'b2' }));

      // Assess
      expect(first).toMatchObject({ openingKill: true, openingDeath: true });
      expect(second).toMatchObject({ openingKill: false, openingDeath: false });
    });

    it.each([
      ['a team kill', { attacker: 'a2', victim: 'a1' }],
      ['a suicide', { attacker: 'a1', victim: 'a1' }],
      ['a world death', { victim: 'a1', weapon: 'world' }],
      ['a bomb death', { victim: 'a1', weapon: 'planted_c4' }],
    ])('makes %s the opening death without an opening kill', (_label, fields) => {
      // Prepare
      const tracker = new RoundKillTracker(fiveVsFive());

      // Act
      const flags = tracker.onDeath(death(1000, fields));
      const next = tracker.onDeath(death(2000, { attacker: 'b1', victim: 'a2' }));

      // Assess
      expect(flags).toMatchObject({ openingKill: false, openingDeath: true, tradeKill: false, traded: [] });
      expect(next.openingKill).toBe(false);
    });
  });

  describe('trades', () => {
    it('trades a death avenged exactly at the window edge (inclusive)', () => {
      // Prepare
      const tracker = new RoundKillTracker(fiveVsFive());
      tracker.onDeath(death(10_000, { attacker: 'b1', victim: 'a1' }));

      // Act
      const flags = tracker.onDeath(death(15_000, { attacker: 'a2', victim: 'b1' }));

      // Assess
      expect(flags).toMatchObject({ tradeKill: true, traded: ['a1'] });
    });

    it('does not trade a death avenged 1 ms past the window', () => {
      // Prepare
      const tracker = new RoundKillTracker(fiveVsFive());
      tracker.onDeath(death(10_000, { attacker: 'b1', victim: 'a1' }));

      // Act
      const flags = tracker.onDeath(death(15_001, { attacker: 'a2', victim: 'b1' }));

      // Assess
      expect(flags).toMatchObject({ tradeKill: false, traded: [] });
    });

    it('honours a custom trade window', () => {
      // Prepare
      const tracker = new RoundKillTracker(fiveVsFive(), { tradeWindowMs: 1500 });
      tracker.onDeath(death(10_000, { attacker: 'b1', victim: 'a1' }));

      // Act
      const flags = tracker.onDeath(death(11_600, { attacker: 'a2', victim: 'b1' }));

      // Assess
      expect(tracker.tradeWindowMs).toBe(1500);
      expect(flags.tradeKill).toBe(false);
    });

    it('trades every teammate the victim killed inside the window', () => {
      // Prepare
      const tracker = new RoundKillTracker(fiveVsFive());
      tracker.onDeath(death(1_000, { attacker: 'b1', victim: 'a1' }));
      tracker.onDeath(death(4_000, { attacker: 'b1', victim: 'a2' }));
      tracker.onDeath(death(5_000, { attacker: 'b1', victim: 'a3' }));

      // Act
      const flags = tracker.onDeath(death(8_000, { attacker: 'a4', victim: 'b1' }));

      // Assess: a1 died 7 s earlier, outside the window
      expect(flags).toMatchObject({ tradeKill: true, traded: ['a2', 'a3'] });
    });

    it('needs the avenger to kill the killer, not any enemy', () => {
      // Prepare
      const tracker = new RoundKillTracker(fiveVsFive());
      tracker.onDeath(death(1_000, { attacker: 'b1', victim: 'a1' }));

      // Act
      const flags = tracker.onDeath(death(2_000, { attacker: 'a2', victim: 'b2' }));

      // Assess
      expect(flags.tradeKill).toBe(false);
    });

    it('does not count a team kill of the killer as a trade', () => {
      // Prepare
      const tracker = new RoundKillTracker(fiveVsFive());
      tracker.onDeath(death(1_000, { attacker: 'b1', victim: 'a1' }));

      // Act
      const flags = tracker.onDeath(death(2_000, { attacker: 'b2', victim: 'b1' }));

      // Assess
      expect(flags).toMatchObject({ tradeKill: false, traded: [] });
    });

    it('does not trade a team kill, a suicide or a world death', () => {
      // Prepare
      const tracker = new RoundKillTracker(fiveVsFive());
      tracker.onDeath(death(1_000, { attacker: 'a2', victim: 'a1' }));
      tracker.onDeath(death(1_500, { attacker: 'b1', victim: 'b1' }));
      tracker.onDeath(death(1_800, { victim: 'b2', weapon: 'world' }));

      // Act: b3 kills a2, the team killer; a3 kills b3
      const killOfTeamKiller = tracker.onDeath(death(2_000, { attacker: 'b3', victim: 'a2' }));
      const avenging = tracker.onDeath(death(2_500, { attacker: 'a3', victim: 'b3' }));

      // Assess: only the enemy kill of a2 is avenged
      expect(killOfTeamKiller.tradeKill).toBe(false);
      expect(avenging).toMatchObject({ tradeKill: true, traded: ['a2'] });
    });

    it('does not trade the same death twice', () => {
      // Prepare
      const tracker = new RoundKillTracker(fiveVsFive());
      tracker.onDeath(death(1_000, { attacker: 'b1', victim: 'a1' }));
      tracker.onDeath(death(2_000, { attacker: 'a2', victim: 'b1' }));

      // Act: a duplicate report of b1's death must not trade a1 again
      const again = tracker.onDeath(death(2_100, { attacker: 'a3', victim: 'b1' }));

      // Assess
      expect(again.traded).toEqual([]);
    });
  });

  describe('clutch situations', () => {
    it('flags the death that leaves a side with one player, with the opponents alive then', () => {
      // Prepare
      const tracker = new RoundKillTracker(fiveVsFive());
      tracker.onDeath(death(1_000, { attacker: 'b1', victim: 'a1' }));
      tracker.onDeath(death(2_000, { attacker: 'b1', victim: 'a2' }));
      tracker.onDeath(death(3_000, { attacker: 'a3', victim: 'b2' }));
      tracker.onDeath(death(4_000, { attacker: 'b1', victim: 'a3' }));

      // Act
      const flags = tracker.onDeath(death(5_000, { attacker: 'b3', victim: 'a4' }));

      // Assess
      expect(flags.clutch).toEqual({ steamId: 'a5', side: 'CT', opponents: 4 });
      expect(tracker.aliveCount('CT')).toBe(1);
    });

    it('flags each side once only', () => {
      // Prepare: CT down to a5 (1v2), then a5 kills b4 (1v1)
      const tracker = new RoundKillTracker(fiveVsFive());
      for (const [index, victim] of ['a1', 'a2', 'a3', 'b1', 'b2', 'b3'].entries()) {
        tracker.onDeath(death(1_000 + index * 100, { victim, weapon: 'world' }));
      }
      const ctClutch = tracker.onDeath(death(2_000, { attacker: 'b4', victim: 'a4' }));

      // Act
      const tClutch = tracker.onDeath(death(3_000, { attacker: 'a5', victim: 'b4' }));

      // Assess
      expect(ctClutch.clutch).toEqual({ steamId: 'a5', side: 'CT', opponents: 2 });
      expect(tClutch.clutch).toEqual({ steamId: 'b5', side: 'T', opponents: 1 });
    });

    it('counts a suicide or team kill that leaves one player as a clutch', () => {
      // Prepare
      const tracker = new RoundKillTracker({ a1: 'CT', a2: 'CT', b1: 'T', b2: 'T' });

      // Act
      const flags = tracker.onDeath(death(1_000, { attacker: 'a1', victim: 'a2' }));

      // Assess
      expect(flags.clutch).toEqual({ steamId: 'a1', side: 'CT', opponents: 2 });
    });

    it('flags no clutch when no opponent is alive', () => {
      // Prepare: 2v1, the lone T dies, then a CT dies to the bomb after the round is decided
      const tracker = new RoundKillTracker({ a1: 'CT', a2: 'CT', b1: 'T' });
      tracker.onDeath(death(1_000, { attacker: 'a1', victim: 'b1' }));

      // Act
      const flags = tracker.onDeath(death(2_000, { victim: 'a2', weapon: 'planted_c4' }));

      // Assess
      expect(flags.clutch).toBeUndefined();
    });
  });

  describe('mid-round changes', () => {
    it('treats a player who left for spectators as gone', () => {
      // Prepare
      const tracker = new RoundKillTracker({ a1: 'CT', a2: 'CT', a3: 'CT', b1: 'T', b2: 'T' });
      tracker.onPlayerTeam({ type: 'player_team', ts: 500, steamId: 'a3', side: 'SPEC' });

      // Act
      const flags = tracker.onDeath(death(1_000, { attacker: 'b1', victim: 'a1' }));

      // Assess
      expect(flags.clutch).toEqual({ steamId: 'a2', side: 'CT', opponents: 2 });
    });

    it('counts a disconnected player as not alive', () => {
      // Prepare
      const tracker = new RoundKillTracker({ a1: 'CT', a2: 'CT', b1: 'T', b2: 'T' });

      // Act
      tracker.onPlayerDisconnect({ type: 'player_disconnect', ts: 500, steamId: 'b2' });
      const flags = tracker.onDeath(death(1_000, { attacker: 'b1', victim: 'a1' }));

      // Assess
      expect(tracker.isAlive('b2')).toBe(false);
      expect(flags.clutch).toEqual({ steamId: 'a2', side: 'CT', opponents: 1 });
    });

    it('keeps a side-changer dead until they spawn on the new side', () => {
      // Prepare
      const tracker = new RoundKillTracker({ a1: 'CT', b1: 'T', b2: 'T' });

      // Act
      tracker.onPlayerTeam({ type: 'player_team', ts: 100, steamId: 'b2', side: 'CT' });
      const beforeSpawn = tracker.aliveCount('CT');
      tracker.onPlayerSpawn({ type: 'player_spawn', ts: 200, steamId: 'b2', side: 'CT' });

      // Assess
      expect(beforeSpawn).toBe(1);
      expect(tracker.aliveCount('CT')).toBe(2);
      expect(tracker.aliveCount('T')).toBe(1);
    });
  });

  describe('snapshots', () => {
    it('resumes from its JSON exactly where it stopped', () => {
      // Prepare
      const tracker = new RoundKillTracker(fiveVsFive(), { tradeWindowMs: 3000 });
      tracker.onDeath(death(1_000, { attacker: 'b1', victim: 'a1' }));
      tracker.onDeath(death(1_500, { attacker: 'b1', victim: 'a2' }));
      tracker.onDeath(death(1_700, { attacker: 'b2', victim: 'a3' }));
      tracker.onDeath(death(1_800, { attacker: 'b2', victim: 'a4' }));
      const json = JSON.parse(JSON.stringify(tracker));

      // Act
      const resumed = RoundKillTracker.fromJSON(json);
      const flags = resumed.onDeath(death(3_900, { attacker: 'a5', victim: 'b1' }));

      // Assess
      expect(json).toEqual(tracker.toJSON());
      expect(resumed.tradeWindowMs).toBe(3000);
      expect(flags).toEqual({
        openingKill: false,
        openingDeath: false,
        tradeKill: true,
        traded: ['a1', 'a2'],
      });
      expect(resumed.aliveCount('CT')).toBe(1);
    });

    it('round-trips an untouched tracker', () => {
      // Prepare
      const tracker = new RoundKillTracker({ a1: 'CT', b1: 'T' });

      // Act
      const copy = RoundKillTracker.fromJSON(tracker.toJSON());

      // Assess
      expect(copy.toJSON()).toEqual(tracker.toJSON());
    });
  });
});
