/**
 * Buy type of each team in a round, from the `economy` events the plugin sends (the log stream and
 * demos exports carry none, hence the null result).
 */
import { isKnownEvent, type PlayingSide } from '../events/index.ts';
import type { TimelineRound } from '../match/timeline.ts';
import { type BuyType, classifyBuy } from './buy-rule.ts';
import { resolveStatsOptions, type StatsOptionsInput } from './options.ts';

export type { BuyType };

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

/**
 * Classifies each team's buy in a round by the average per-player equipment value sampled
 * `sampleDelayMs` after freeze time ended (the `economy` event nearest that moment), by the
 * rule of `buy-rule.ts`. Returns null when the round has no `economy` event.
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

    const type = classifyBuy(
      { roundNumber: round.number, side, equipValue, money, lostPreviousRound },
      economy,
    );
    result[side] = { team, type, players: players.length, equipValue, money };
  }
  return result;
}
