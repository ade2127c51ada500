/**
 * The buy rule of `reference/stats.md`, on its own so the dashboard can call it without the rest
 * of the statistics: pistol for the first round of each regulation half; otherwise eco at or
 * below the eco line, full at or above the side's full-buy line, force when the team lost the
 * previous round and spent down to the force line, semi for everything else. No imports but types.
 */
import type { PlayingSide } from '../events/catalog.ts';

export type BuyType = 'pistol' | 'eco' | 'force' | 'semi' | 'full';

export interface EconomyOptions {
  /** Equipment is valued this long after freeze time ends (buys are done by then). */
  sampleDelayMs: number;
  /** A player at or below this equipment value is on an eco. */
  ecoMaxEquipValue: number;
  /** A player at or above this equipment value has a full buy (CTs pay more for the same kit). */
  fullMinEquipValue: Record<PlayingSide, number>;
  /** A team that lost the previous round and kept at most this much money forced its buy. */
  forceMaxMoney: number;
  /** Rounds of regulation (MR12: 24); pistol rounds open each regulation half, never overtime. */
  regulationRounds: number;
}

export const DEFAULT_ECONOMY_OPTIONS: EconomyOptions = {
  sampleDelayMs: 7000,
  ecoMaxEquipValue: 1000,
  fullMinEquipValue: { CT: 4500, T: 4000 },
  forceMaxMoney: 400,
  regulationRounds: 24,
};

export interface TeamEconomy {
  roundNumber: number;
  side: PlayingSide;
  /** Average equipment value per player in the sample. */
  equipValue: number;
  /** Average money left per player in the sample. */
  money: number;
  lostPreviousRound: boolean;
}

export function classifyBuy(team: TeamEconomy, economy: EconomyOptions = DEFAULT_ECONOMY_OPTIONS): BuyType {
  const halfLength = Math.floor(economy.regulationRounds / 2);
  if (team.roundNumber === 1 || team.roundNumber === halfLength + 1) return 'pistol';
  if (team.equipValue <= economy.ecoMaxEquipValue) return 'eco';
  if (team.equipValue >= economy.fullMinEquipValue[team.side]) return 'full';
  if (team.lostPreviousRound && team.money <= economy.forceMaxMoney) return 'force';
  return 'semi';
}
