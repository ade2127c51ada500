/**
 * Settings of the statistics definitions (`reference/stats.md`): every window and threshold is a
 * setting, and its default is the definition we publish.
 */
import { DEFAULT_ECONOMY_OPTIONS, type EconomyOptions } from './buy-rule.ts';
import { DEFAULT_TRADE_WINDOW_MS } from './kill-tracker.ts';

export { DEFAULT_ECONOMY_OPTIONS, type EconomyOptions };

export interface StatsOptions {
  /** A kill trades a teammate's death at most this long after it (inclusive). */
  tradeWindowMs: number;
  /** A blind counts as an enemy flashed when it lasts longer than this many seconds. */
  minFlashDurationSec: number;
  economy: EconomyOptions;
}

/** What callers may pass: any subset, economy settings included. */
export type StatsOptionsInput = Partial<Omit<StatsOptions, 'economy'>> & {
  economy?: Partial<EconomyOptions>;
};

export const DEFAULT_STATS_OPTIONS: StatsOptions = {
  tradeWindowMs: DEFAULT_TRADE_WINDOW_MS,
  minFlashDurationSec: 1.0,
  economy: DEFAULT_ECONOMY_OPTIONS,
};

/** Fills every setting the caller left out with its default. */
export function resolveStatsOptions(input: StatsOptionsInput = {}): StatsOptions {
  const economy = input.economy ?? {};
  return {
    tradeWindowMs: input.tradeWindowMs ?? DEFAULT_STATS_OPTIONS.tradeWindowMs,
    minFlashDurationSec: input.minFlashDurationSec ?? DEFAULT_STATS_OPTIONS.minFlashDurationSec,
    economy: {
      sampleDelayMs: economy.sampleDelayMs ?? DEFAULT_ECONOMY_OPTIONS.sampleDelayMs,
      ecoMaxEquipValue: economy.ecoMaxEquipValue ?? DEFAULT_ECONOMY_OPTIONS.ecoMaxEquipValue,
      fullMinEquipValue: economy.fullMinEquipValue ?? DEFAULT_ECONOMY_OPTIONS.fullMinEquipValue,
      forceMaxMoney: economy.forceMaxMoney ?? DEFAULT_ECONOMY_OPTIONS.forceMaxMoney,
      regulationRounds: economy.regulationRounds ?? DEFAULT_ECONOMY_OPTIONS.regulationRounds,
    },
  };
}
