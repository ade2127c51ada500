/**
 * Buy type of each team in a round, from the `economy` events the plugin sends (the log stream and
 * demos exports carry none, hence the null result).
 */
import { isKnownEvent, type PlayingSide } from '../events/index.ts';
import type { TimelineRound } from '../match/contracts.ts';
import { type EconomyOptions, resolveStatsOptions, type StatsOptionsInput } from './options.ts';

export type BuyType = 'pistol' | 'eco' | 'force' | 'semi' | 'full';

export interface TeamBuy {
  team: string;
  type: BuyType;
  /** Players of the side with an equipment value in the sample. */
  players: number;
  /** Average equipment value per player. */
  equipValue: number;
  /** Average money left per player. */
  money: number;
}

/** Each side's buy; a side is null when the sample has no equipment value for its players. */
export type RoundBuyTypes = Record<PlayingSide, TeamBuy | null>;

const SIDES: readonly PlayingSide[] = ['CT', 'T'];

function isPistolRound(roundNumber: number, economy: EconomyOptions): boolean {
  const halfLength = Math.floor(economy.regulationRounds / 2);
  return roundNumber === 1 || roundNumber === halfLength + 1;
}

/**
 * Classifies each team's buy in a round by the average per-player equipment value sampled
 * `sampleDelayMs` after freeze time ended (the `economy` event nearest that moment): pistol for
 * the first round of each regulation half; otherwise eco at or below the eco line, full at or
 * above the side's full-buy line, force when the team lost the previous round and spent down to
 * the force line, semi for everything else. Returns null when the round has no `economy` event.
 *
 * @param previousRound the round before, to know who lost it (null for the first round)
 */
export function computeRoundBuyTypes(
  round: TimelineRound,
  previousRound: TimelineRound | null = null,
  options: StatsOptionsInput = {},
): RoundBuyTypes | null {
  const { economy } = resolveStatsOptions(options);
  let freezeEndedAt = round.startedAt;
  for (const { event } of round.events) {
    if (event.type === 'round_freeze_end') {
      freezeEndedAt = event.ts;
      break;
    }
  }
  const sampleAt = freezeEndedAt + economy.sampleDelayMs;

  let sample: { ts: number; players: { steamId: string; money: number; equipValue?: number }[] } | null =
    null;
  for (const { event } of round.events) {
    if (!isKnownEvent(event) || event.type !== 'economy') continue;
    if (sample === null || Math.abs(event.ts - sampleAt) < Math.abs(sample.ts - sampleAt)) sample = event;
  }
  if (sample === null) return null;

  const result: RoundBuyTypes = { CT: null, T: null };
  for (const side of SIDES) {
    const players = sample.players.filter(
      (player) => round.sides[player.steamId] === side && player.equipValue !== undefined,
    );
    if (players.length === 0) continue;
    const equipValue = players.reduce((sum, player) => sum + (player.equipValue ?? 0), 0) / players.length;
    const money = players.reduce((sum, player) => sum + player.money, 0) / players.length;
    const team = round.teams[side];
    const lostPreviousRound =
      previousRound !== null && previousRound.winnerTeam !== null && previousRound.winnerTeam !== team;

    let type: BuyType;
    if (isPistolRound(round.number, economy)) type = 'pistol';
    else if (equipValue <= economy.ecoMaxEquipValue) type = 'eco';
    else if (equipValue >= economy.fullMinEquipValue[side]) type = 'full';
    else if (lostPreviousRound && money <= economy.forceMaxMoney) type = 'force';
    else type = 'semi';
    result[side] = { team, type, players: players.length, equipValue, money };
  }
  return result;
}
