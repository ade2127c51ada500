import { describe, expect, it } from 'vitest';
import type { AnyEvent } from '../events/index.ts';
import { computeRoundStats } from './round-stats.ts';
import { blind, death, hurt, round } from './test-helpers.ts';

describe('computeRoundStats', () => {
  describe('kills and deaths', () => {
    it('counts enemy kills only, and every death', () => {
      // Prepare
      const events = [
        death(1_000, { attacker: 'a1', victim: 'b1', headshot: true }),
        death(2_000, { attacker: 'a1', victim: 'a2' }),
        death(3_000, { attacker: 'b2', victim: 'b2', weapon: 'hegrenade' }),
        death(4_000, { victim: 'b3', weapon: 'world' }),
        death(5_000, { victim: 'a3', weapon: 'planted_c4' }),
      ];

      // Act
      const stats = computeRoundStats(round({ events }));

      // Assess
      expect(stats.a1).toMatchObject({ kills: 1, headshotKills: 1, teamKills: 1, deaths: 0 });
      expect(stats.a2).toMatchObject({ kills: 0, deaths: 1 });
      expect(stats.b2).toMatchObject({ kills: 0, deaths: 1, suicides: 1 });
      expect(stats.b3).toMatchObject({ deaths: 1, suicides: 0 });
      expect(stats.a3).toMatchObject({ deaths: 1 });
    });

    it('gives everyone on a playing side a record, even without events', () => {
      // Prepare
      const events: AnyEvent[] = [];

      // Act
      const stats = computeRoundStats(round({ events }));

      // Assess
      expect(Object.keys(stats)).toHaveLength(10);
      expect(stats.b5).toMatchObject({ side: 'T', kills: 0, survived: true, kast: true });
    });

    it('counts post-round kills in the round they happen after', () => {
      // Prepare
      const spec = {
        events: [death(1_000, { attacker: 'a1', victim: 'b1' })],
        postRound: [death(60_000, { attacker: 'a1', victim: 'b2' })],
      };

      // Act
      const stats = computeRoundStats(round(spec));

      // Assess
      expect(stats.a1?.kills).toBe(2);
      expect(stats.b2).toMatchObject({ deaths: 1, survived: false });
    });

    it('ignores event types it does not know', () => {
      // Prepare
      const events: AnyEvent[] = [
        { type: 'player_death_v2', ts: 1_000, unknown: true, attacker: 'a1', victim: 'b1' },
      ];

      // Act
      const stats = computeRoundStats(round({ events }));

      // Assess
      expect(stats.a1?.kills).toBe(0);
    });
  });

  describe('assists', () => {
    it('counts an assist on an enemy victim, and a flash assist as both', () => {
      // Prepare
      const events = [
        death(1_000, { attacker: 'a1', victim: 'b1', assister: 'a2' }),
        death(2_000, { attacker: 'a1', victim: 'b2', assister: 'a3', assistedFlash: true }),
      ];

      // Act
      const stats = computeRoundStats(round({ events }));

      // Assess
      expect(stats.a2).toMatchObject({ assists: 1, flashAssists: 0 });
      expect(stats.a3).toMatchObject({ assists: 1, flashAssists: 1 });
    });

    it('ignores an assist credited on a teammate of the assister', () => {
      // Prepare: b1 kills a1, and the game names a2 (a1's teammate) as assister
      const events = [death(1_000, { attacker: 'b1', victim: 'a1', assister: 'a2', assistedFlash: true })];

      // Act
      const stats = computeRoundStats(round({ events }));

      // Assess
      expect(stats.a2).toMatchObject({ assists: 0, flashAssists: 0 });
    });
  });

  describe('damage', () => {
    it('caps a hit at the health the victim had left', () => {
      // Prepare: a 122 headshot on full health, then 30 + 90 on another enemy
      const events = [
        hurt(1_000, { attacker: 'a1', victim: 'b1', dmgHealth: 122, health: 0 }),
        hurt(2_000, { attacker: 'a1', victim: 'b2', dmgHealth: 30, health: 70 }),
        hurt(2_500, { attacker: 'a2', victim: 'b2', dmgHealth: 90, health: 0 }),
      ];

      // Act
      const stats = computeRoundStats(round({ events }));

      // Assess
      expect(stats.a1?.damage).toBe(130);
      expect(stats.a2?.damage).toBe(70);
    });

    it('excludes self and team damage, which still lower the health left', () => {
      // Prepare: b1 loses 40 to its own grenade and 20 to a teammate, then takes 100 from a1
      const events = [
        hurt(1_000, { attacker: 'b1', victim: 'b1', weapon: 'hegrenade', dmgHealth: 40, health: 60 }),
        hurt(1_500, { attacker: 'b2', victim: 'b1', dmgHealth: 20, health: 40 }),
        hurt(1_800, { victim: 'b1', weapon: 'world', dmgHealth: 5, health: 35 }),
        hurt(2_000, { attacker: 'a1', victim: 'b1', dmgHealth: 100, health: 0 }),
      ];

      // Act
      const stats = computeRoundStats(round({ events }));

      // Assess
      expect(stats.b1?.damage).toBe(0);
      expect(stats.b2?.damage).toBe(0);
      expect(stats.a1?.damage).toBe(35);
    });

    it('counts HE and fire damage as utility damage, capped, but not decoy hits', () => {
      // Prepare
      const events = [
        hurt(1_000, { attacker: 'a1', victim: 'b1', weapon: 'hegrenade', dmgHealth: 57, health: 43 }),
        hurt(1_100, { attacker: 'a1', victim: 'b1', weapon: 'inferno', dmgHealth: 50, health: 0 }),
        hurt(1_200, { attacker: 'a1', victim: 'b2', weapon: 'molotov', dmgHealth: 8, health: 92 }),
        hurt(1_300, { attacker: 'a1', victim: 'b3', weapon: 'incgrenade', dmgHealth: 9, health: 91 }),
        hurt(1_400, { attacker: 'a1', victim: 'b4', weapon: 'decoy', dmgHealth: 1, health: 99 }),
        hurt(1_500, { attacker: 'a1', victim: 'a2', weapon: 'hegrenade', dmgHealth: 30, health: 70 }),
      ];

      // Act
      const stats = computeRoundStats(round({ events }));

      // Assess
      expect(stats.a1).toMatchObject({ utilityDamage: 57 + 43 + 8 + 9, damage: 57 + 43 + 8 + 9 + 1 });
    });
  });

  describe('opening duel and trades', () => {
    it('gives the opening kill to the killer of the first death', () => {
      // Prepare
      const events = [
        death(1_000, { attacker: 'b1', victim: 'a1' }),
        death(2_000, { attacker: 'a2', victim: 'b2' }),
      ];

      // Act
      const stats = computeRoundStats(round({ events }));

      // Assess
      expect(stats.b1).toMatchObject({ openingKill: true, openingDeath: false });
      expect(stats.a1).toMatchObject({ openingKill: false, openingDeath: true });
      expect(stats.a2).toMatchObject({ openingKill: false, openingDeath: false });
    });

    it('gives no opening kill when the first death is a team kill', () => {
      // Prepare
      const events = [
        death(1_000, { attacker: 'a2', victim: 'a1' }),
        death(2_000, { attacker: 'b1', victim: 'a2' }),
      ];

      // Act
      const stats = computeRoundStats(round({ events }));

      // Assess
      expect(stats.a1?.openingDeath).toBe(true);
      expect(stats.a2?.openingKill).toBe(false);
      expect(stats.b1?.openingKill).toBe(false);
    });

    it.each([
      ['exactly at the 5 s edge', 6_000, true],
      ['1 ms past it', 6_001, false],
    ])('trades a death avenged %s: %s', (_label, avengedAt, traded) => {
      // Prepare
      const events = [
        death(1_000, { attacker: 'b1', victim: 'a1' }),
        death(avengedAt, { attacker: 'a2', victim: 'b1' }),
      ];

      // Act
      const stats = computeRoundStats(round({ events }));

      // Assess
      expect(stats.a2?.tradeKills).toBe(traded ? 1 : 0);
      expect(stats.a1).toMatchObject({ tradedDeath: traded, kast: traded });
    });

    it('applies the trade window setting', () => {
      // Prepare
      const events = [
        death(1_000, { attacker: 'b1', victim: 'a1' }),
        death(3_000, { attacker: 'a2', victim: 'b1' }),
      ];

      // Act
      const stats = computeRoundStats(round({ events }), { tradeWindowMs: 1_500 });

      // Assess
      expect(stats.a2?.tradeKills).toBe(0);
      expect(stats.a1?.tradedDeath).toBe(false);
    });
  });

  describe('KAST', () => {
    it('marks kill, assist, survival and traded rounds, and nothing else', () => {
      // Prepare: a1 kills b1, a2 assists then dies untraded, a3 dies and is traded by a4
      const events = [
        death(1_000, { attacker: 'a1', victim: 'b1', assister: 'a2' }),
        death(20_000, { attacker: 'b2', victim: 'a2' }),
        death(40_000, { attacker: 'b3', victim: 'a3' }),
        death(41_000, { attacker: 'a4', victim: 'b3' }),
        death(50_000, { attacker: 'b4', victim: 'a5' }),
      ];

      // Act
      const stats = computeRoundStats(round({ events }));

      // Assess
      expect(stats.a1).toMatchObject({ kast: true, survived: true });
      expect(stats.a2).toMatchObject({ kast: true, survived: false });
      expect(stats.a3).toMatchObject({ kast: true, tradedDeath: true });
      expect(stats.a4).toMatchObject({ kast: true, tradeKills: 1 });
      expect(stats.a5).toMatchObject({ kast: false, survived: false });
      expect(stats.b1).toMatchObject({ kast: false });
    });
  });

  describe('clutches', () => {
    const fourDown = [
      death(1_000, { attacker: 'b1', victim: 'a1' }),
      death(2_000, { attacker: 'b1', victim: 'a2' }),
      death(3_000, { attacker: 'b2', victim: 'a3' }),
      death(4_000, { attacker: 'a4', victim: 'b3' }),
      death(5_000, { attacker: 'b1', victim: 'a4' }),
    ];

    it('records a won 1vX for the last player alive', () => {
      // Prepare
      const events = [
        ...fourDown,
        death(6_000, { attacker: 'a5', victim: 'b1' }),
        death(7_000, { attacker: 'a5', victim: 'b2' }),
        death(8_000, { attacker: 'a5', victim: 'b4' }),
        death(9_000, { attacker: 'a5', victim: 'b5' }),
      ];

      // Act
      const stats = computeRoundStats(round({ events, winnerSide: 'CT' }));

      // Assess
      expect(stats.a5?.clutch).toEqual({ opponents: 4, won: true });
      expect(stats.b5?.clutch).toEqual({ opponents: 1, won: false });
    });

    it('records a clutch lost after a kill', () => {
      // Prepare
      const events = [
        ...fourDown,
        death(6_000, { attacker: 'a5', victim: 'b1' }),
        death(7_000, { attacker: 'b2', victim: 'a5' }),
      ];

      // Act
      const stats = computeRoundStats(round({ events, winnerSide: 'T' }));

      // Assess
      expect(stats.a5).toMatchObject({ kills: 1, clutch: { opponents: 4, won: false } });
    });

    it('starts no clutch after the round was won', () => {
      // Prepare: the bomb was defused with 2v2; post-round kills leave the T side with one player
      const events = [
        death(1_000, { attacker: 'b1', victim: 'a1' }),
        death(2_000, { attacker: 'b1', victim: 'a2' }),
        death(3_000, { attacker: 'b1', victim: 'a3' }),
        death(4_000, { attacker: 'a4', victim: 'b1' }),
        death(5_000, { attacker: 'a4', victim: 'b2' }),
        death(6_000, { attacker: 'a4', victim: 'b3' }),
      ];
      const postRound = [death(60_000, { attacker: 'a5', victim: 'b4' })];

      // Act
      const stats = computeRoundStats(round({ events, postRound, winnerSide: 'CT' }));

      // Assess
      expect(stats.b5?.clutch).toBeNull();
      expect(stats.a5?.kills).toBe(1);
    });
  });

  describe('flashes and the bomb', () => {
    it('counts enemies blinded for longer than 1 s while alive', () => {
      // Prepare
      const events = [
        death(500, { attacker: 'a2', victim: 'b5' }),
        blind(1_000, 'a1', 'b1', 2.5),
        blind(1_100, 'a1', 'b2', 1.0),
        blind(1_200, 'a1', 'a2', 3.0),
        blind(1_300, 'a1', 'b5', 3.0),
        blind(1_400, 'a1', 'a1', 3.0),
      ];

      // Act
      const stats = computeRoundStats(round({ events }));

      // Assess
      expect(stats.a1?.enemiesFlashed).toBe(1);
    });

    it('applies the flash duration setting', () => {
      // Prepare
      const events = [blind(1_000, 'a1', 'b1', 0.8)];

      // Act
      const stats = computeRoundStats(round({ events }), { minFlashDurationSec: 0.5 });

      // Assess
      expect(stats.a1?.enemiesFlashed).toBe(1);
    });

    it('counts bomb plants and defuses', () => {
      // Prepare
      const events: AnyEvent[] = [
        { type: 'bomb_planted', ts: 1_000, steamId: 'b1', site: 'A' },
        { type: 'bomb_defused', ts: 30_000, steamId: 'a1', site: 'A' },
      ];

      // Act
      const stats = computeRoundStats(round({ events }));

      // Assess
      expect(stats.b1?.bombPlants).toBe(1);
      expect(stats.a1?.bombDefuses).toBe(1);
    });
  });
});
