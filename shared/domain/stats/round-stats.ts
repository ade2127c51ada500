/**
 * Per-round player statistics: a pure function of one live {@link TimelineRound}.
 *
 * Every field is additive across rounds (counts and per-round booleans), so a live view keeps one
 * {@link PlayerRoundStats} record per player and round number, replaces a round's record when the
 * round is replayed after a backup restore, drops voided rounds, and aggregates what is left
 * (`aggregateMatchStats`). The end-of-match recomputation from stored events gives the same result.
 */
import { type EventOf, isKnownEvent, type PlayingSide } from '../events/index.ts';
import type { TimelineRound } from '../match/timeline.ts';
import { RoundKillTracker } from './kill-tracker.ts';
import { resolveStatsOptions, type StatsOptionsInput } from './options.ts';

/** Weapons whose damage is utility damage. Decoy hits are not: they are a gimmick, not utility use. */
export const UTILITY_DAMAGE_WEAPONS: ReadonlySet<string> = new Set([
  'hegrenade',
  'inferno',
  'molotov',
  'incgrenade',
]);

/** Health every player starts a round with. */
const FULL_HEALTH = 100;

/** A 1vX the player was left in: X opponents alive when their side dropped to one player. */
export interface ClutchAttempt {
  opponents: number;
  /** The player's side won the round. */
  won: boolean;
}

/** One player's contribution to one live round. */
export interface PlayerRoundStats {
  steamId: string;
  /** The side played this round; null for someone seen in the round without a playing side. */
  side: PlayingSide | null;
  /** Enemy kills only. */
  kills: number;
  headshotKills: number;
  teamKills: number;
  /** Every death: enemy, team, world, bomb and suicide. */
  deaths: number;
  suicides: number;
  /** Assists on enemy victims, flash assists included. */
  assists: number;
  flashAssists: number;
  /** Health damage to enemies, each hit capped at the victim's health before it. */
  damage: number;
  /** The part of {@link damage} done with HE grenades and fire. */
  utilityDamage: number;
  /** Enemies blinded for longer than the flash threshold. */
  enemiesFlashed: number;
  openingKill: boolean;
  openingDeath: boolean;
  /** Kills that avenged at least one teammate within the trade window. */
  tradeKills: number;
  /** The player's death was avenged within the trade window. */
  tradedDeath: boolean;
  /** On a playing side and not dead when the round's events end. */
  survived: boolean;
  /** Kill, assist, survived or traded. */
  kast: boolean;
  clutch: ClutchAttempt | null;
  bombPlants: number;
  bombDefuses: number;
}

/** A player's round with nothing done yet (survived when on a side: nobody killed them). */
export function emptyRoundStats(steamId: string, side: PlayingSide | null): PlayerRoundStats {
  return {
    steamId,
    side,
    kills: 0,
    headshotKills: 0,
    teamKills: 0,
    deaths: 0,
    suicides: 0,
    assists: 0,
    flashAssists: 0,
    damage: 0,
    utilityDamage: 0,
    enemiesFlashed: 0,
    openingKill: false,
    openingDeath: false,
    tradeKills: 0,
    tradedDeath: false,
    survived: side !== null,
    kast: false,
    clutch: null,
    bombPlants: 0,
    bombDefuses: 0,
  };
}

/**
 * Statistics of every player in one live round, keyed by SteamID64 (never by slot or name, so a
 * reconnecting player keeps their numbers). Everyone on a playing side gets a record; post-round
 * events (`isPostRound`) count in this round, except that a clutch cannot start after the round
 * was won. Kill context (opening, trades, clutches) is recomputed with {@link RoundKillTracker}
 * under the given options rather than read from the stored flags, so a changed setting applies
 * to old matches too.
 */
export function computeRoundStats(
  round: TimelineRound,
  options: StatsOptionsInput = {},
): Record<string, PlayerRoundStats> {
  const settings = resolveStatsOptions(options);
  const stats: Record<string, PlayerRoundStats> = {};
  const statsOf = (steamId: string): PlayerRoundStats => {
    const existing = stats[steamId];
    if (existing !== undefined) return existing;
    const created = emptyRoundStats(steamId, round.sides[steamId] ?? null);
    // Not on a playing side at round start: they cannot have survived the round.
    created.survived = false;
    stats[steamId] = created;
    return created;
  };
  for (const [steamId, side] of Object.entries(round.sides)) stats[steamId] = emptyRoundStats(steamId, side);

  const areEnemies = (first: string, second: string): boolean => {
    const firstSide = round.sides[first];
    const secondSide = round.sides[second];
    return (
      first !== second && firstSide !== undefined && secondSide !== undefined && firstSide !== secondSide
    );
  };
  const areTeammates = (first: string, second: string): boolean => {
    const firstSide = round.sides[first];
    return first !== second && firstSide !== undefined && firstSide === round.sides[second];
  };
  const tracker = new RoundKillTracker(round.sides, { tradeWindowMs: settings.tradeWindowMs });
  const healthBeforeHit = new Map<string, number>();

  const onHurt = (hurt: EventOf<'player_hurt'>): void => {
    const healthBefore = healthBeforeHit.get(hurt.victim) ?? FULL_HEALTH;
    // The game reports the weapon's damage (a 122 headshot on 100 HP); only health lost counts.
    const dealt = Math.max(0, Math.min(hurt.dmgHealth, healthBefore));
    healthBeforeHit.set(hurt.victim, hurt.health);
    if (hurt.attacker === undefined || !areEnemies(hurt.attacker, hurt.victim)) return;
    const attacker = statsOf(hurt.attacker);
    attacker.damage += dealt;
    if (UTILITY_DAMAGE_WEAPONS.has(hurt.weapon)) attacker.utilityDamage += dealt;
  };

  const onDeath = (death: EventOf<'player_death'>, isPostRound: boolean): void => {
    const flags = tracker.onDeath(death);
    const victim = statsOf(death.victim);
    victim.deaths += 1;
    victim.survived = false;
    if (flags.openingDeath) victim.openingDeath = true;

    const attackerId = death.attacker;
    if (attackerId === death.victim) {
      victim.suicides += 1;
    } else if (attackerId !== undefined && areEnemies(attackerId, death.victim)) {
      const attacker = statsOf(attackerId);
      attacker.kills += 1;
      if (death.headshot === true) attacker.headshotKills += 1;
      if (flags.openingKill) attacker.openingKill = true;
      if (flags.tradeKill) attacker.tradeKills += 1;
      for (const avenged of flags.traded) statsOf(avenged).tradedDeath = true;
    } else if (attackerId !== undefined && areTeammates(attackerId, death.victim)) {
      statsOf(attackerId).teamKills += 1;
    }

    // The game sometimes names a teammate of the victim as assister: that is no assist.
    if (death.assister !== undefined && areEnemies(death.assister, death.victim)) {
      const assister = statsOf(death.assister);
      assister.assists += 1;
      if (death.assistedFlash === true) assister.flashAssists += 1;
    }

    if (flags.clutch !== undefined && !isPostRound) {
      statsOf(flags.clutch.steamId).clutch = {
        opponents: flags.clutch.opponents,
        won: round.winnerSide === flags.clutch.side,
      };
    }
  };

  for (const { event, enrichment } of round.events) {
    if (!isKnownEvent(event)) continue;
    switch (event.type) {
      case 'player_spawn':
        healthBeforeHit.set(event.steamId, FULL_HEALTH);
        tracker.onPlayerSpawn(event);
        break;
      case 'player_disconnect':
        tracker.onPlayerDisconnect(event);
        break;
      case 'player_hurt':
        onHurt(event);
        break;
      case 'player_death':
        onDeath(event, enrichment.isPostRound);
        break;
      case 'player_blind':
        // Dead players get blind events too (they watch through a teammate); they are not flashed.
        if (
          event.attacker !== undefined &&
          event.duration > settings.minFlashDurationSec &&
          areEnemies(event.attacker, event.victim) &&
          tracker.isAlive(event.victim)
        ) {
          statsOf(event.attacker).enemiesFlashed += 1;
        }
        break;
      case 'bomb_planted':
        statsOf(event.steamId).bombPlants += 1;
        break;
      case 'bomb_defused':
        statsOf(event.steamId).bombDefuses += 1;
        break;
      default:
        break;
    }
  }

  for (const player of Object.values(stats)) {
    player.kast =
      player.side !== null &&
      (player.kills > 0 || player.assists > 0 || player.survived || player.tradedDeath);
  }
  return stats;
}
