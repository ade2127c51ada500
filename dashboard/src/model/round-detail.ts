/**
 * What a round detail shows, counted from the round's own events: each player's kills, deaths,
 * assists, damage (enemies only, each hit capped at the health before it: reference/stats.md)
 * and utility thrown; who survived; and each side's equipment value from the plugin's `economy`
 * sample nearest seven seconds after freeze time, with the buy it makes (the platform's own rule,
 * `shared/domain/stats/buy-rule.ts`).
 * Pure: no DOM.
 */
import { type BuyType, classifyBuy, DEFAULT_ECONOMY_OPTIONS } from '../wire.ts';
import { type LiveEvent, num, text } from './live-event.ts';
import type { Side } from './match-card.ts';

export interface RoundPlayerLine {
  steamId: string;
  side: Side | null;
  kills: number;
  deaths: number;
  assists: number;
  damage: number;
  utilityThrown: number;
  survived: boolean;
}

export interface SideEconomy {
  side: Side;
  /** Average equipment value per player. */
  equipValue: number;
  buy: BuyType;
}

export interface RoundDetail {
  number: number;
  players: RoundPlayerLine[];
  economy: SideEconomy[];
}

export function roundDetail(
  number: number,
  events: readonly LiveEvent[],
  sideOf: (steamId: string) => Side | null,
  lostPreviousRound: (side: Side) => boolean = () => false,
): RoundDetail {
  const lines = new Map<string, RoundPlayerLine>();
  const line = (steamId: string) => {
    let found = lines.get(steamId);
    if (!found) {
      found = {
        steamId,
        side: sideOf(steamId),
        kills: 0,
        deaths: 0,
        assists: 0,
        damage: 0,
        utilityThrown: 0,
        survived: true,
      };
      lines.set(steamId, found);
    }
    return found;
  };
  const enemies = (a: string, b: string) => a !== b && sideOf(a) !== null && sideOf(a) !== sideOf(b);
  const health = new Map<string, number>();
  let freezeEnd: number | null = null;
  let economy: LiveEvent | null = null;
  for (const event of events) {
    const { data } = event;
    switch (event.type) {
      case 'round_freeze_end':
        freezeEnd ??= event.ts;
        break;
      case 'player_team':
      case 'player_spawn': {
        const steamId = text(data, 'steamId');
        if (steamId && sideOf(steamId)) line(steamId);
        break;
      }
      case 'player_death': {
        const victim = text(data, 'victim');
        if (!victim) break;
        const dead = line(victim);
        dead.deaths += 1;
        dead.survived = false;
        const attacker = text(data, 'attacker');
        if (attacker && enemies(attacker, victim)) line(attacker).kills += 1;
        const assister = text(data, 'assister');
        if (assister && enemies(assister, victim)) line(assister).assists += 1;
        break;
      }
      case 'player_hurt': {
        const victim = text(data, 'victim');
        const attacker = text(data, 'attacker');
        if (!victim) break;
        const before = health.get(victim) ?? 100;
        const dealt = num(data, 'dmgHealth') ?? 0;
        health.set(victim, num(data, 'health') ?? Math.max(0, before - dealt));
        line(victim);
        if (attacker && enemies(attacker, victim)) line(attacker).damage += Math.min(dealt, before);
        break;
      }
      case 'grenade_thrown': {
        const steamId = text(data, 'steamId');
        if (steamId) line(steamId).utilityThrown += 1;
        break;
      }
      case 'economy':
        if (freezeEnd !== null) {
          const target = freezeEnd + DEFAULT_ECONOMY_OPTIONS.sampleDelayMs;
          if (economy === null || Math.abs(event.ts - target) < Math.abs(economy.ts - target))
            economy = event;
        }
        break;
      default:
        break;
    }
  }
  const sides: SideEconomy[] = [];
  const sample = economy?.data.players;
  if (Array.isArray(sample)) {
    for (const side of ['CT', 'T'] as const) {
      const values: { equip: number; money: number }[] = [];
      for (const entry of sample as unknown[]) {
        if (typeof entry !== 'object' || entry === null) continue;
        const record = entry as Record<string, unknown>;
        const steamId = text(record, 'steamId');
        const equip = num(record, 'equipValue');
        if (steamId && equip !== null && sideOf(steamId) === side)
          values.push({ equip, money: num(record, 'money') ?? 0 });
      }
      if (values.length === 0) continue;
      const equipValue = values.reduce((sum, value) => sum + value.equip, 0) / values.length;
      const money = values.reduce((sum, value) => sum + value.money, 0) / values.length;
      const buy = classifyBuy({
        roundNumber: number,
        side,
        equipValue,
        money,
        lostPreviousRound: lostPreviousRound(side),
      });
      sides.push({ side, equipValue: Math.round(equipValue), buy });
    }
  }
  const players = [...lines.values()]
    .filter((player) => player.side !== null)
    .sort((a, b) => (a.side ?? '').localeCompare(b.side ?? '') || b.kills - a.kills || b.damage - a.damage);
  return { number, players, economy: sides };
}
