/**
 * A player's career: the sum of their stored match lines (`player_match_stats`). Rates (ADR,
 * KAST, HS %, ratings) are recomputed from the summed counts, never averaged over matches, so a
 * 30-round match weighs more than a 16-round one, exactly as if the rounds had been one match.
 */
import type { MatchTimeline } from '../match/timeline.ts';
import {
  aggregateMatchStats,
  buildRoundStats,
  type PlayerMatchStats,
  type RoundStats,
  round2,
  zeroCounts,
} from './match-stats.ts';
import type { StatsOptionsInput } from './options.ts';
import { rating1, rating2approx } from './ratings.ts';

/**
 * A match line as it is stored: the MatchSummary line and its extra figures, plus the two counts
 * a career needs that the line only holds as rates (KAST rounds) or not at all (rounds with
 * exactly one kill, for rating 1.0).
 */
export interface StoredPlayerStats extends PlayerMatchStats {
  kastRounds: number;
  oneKillRounds: number;
}

/**
 * A player's figures over every stored match they played: the match line's figures (without the
 * name and team of one match), summed, with the rates recomputed.
 */
export interface PlayerCareerStats extends Omit<PlayerMatchStats, 'name' | 'team'> {
  matches: number;
  kastRounds: number;
}

/** The statistics of a whole match as they are stored: one line per player, in the timeline's order. */
export function computeStoredPlayerStats(
  timeline: MatchTimeline,
  options: StatsOptionsInput = {},
): StoredPlayerStats[] {
  const rounds = timeline.rounds.map((round) => buildRoundStats(round, options));
  return withCareerCounts(aggregateMatchStats(rounds, timeline.players), rounds);
}

/** Adds each line's KAST rounds and one-kill rounds, counted from the round records it was summed from. */
export function withCareerCounts(
  lines: readonly PlayerMatchStats[],
  rounds: readonly RoundStats[],
): StoredPlayerStats[] {
  const latestByNumber = new Map(rounds.map((round) => [round.number, round]));
  const counts = new Map<string, { kastRounds: number; oneKillRounds: number }>();
  for (const round of latestByNumber.values()) {
    for (const record of Object.values(round.players)) {
      const entry = counts.get(record.steamId) ?? { kastRounds: 0, oneKillRounds: 0 };
      if (record.kast) entry.kastRounds += 1;
      if (record.kills === 1) entry.oneKillRounds += 1;
      counts.set(record.steamId, entry);
    }
  }
  return lines.map((line) => ({
    ...line,
    ...(counts.get(line.steamId) ?? { kastRounds: 0, oneKillRounds: 0 }),
  }));
}

/** Sums a player's stored match lines into career figures (zeros when there are none). */
export function careerStats(steamId: string, lines: readonly StoredPlayerStats[]): PlayerCareerStats {
  const total = {
    roundsPlayed: 0,
    kills: 0,
    deaths: 0,
    assists: 0,
    headshotKills: 0,
    damage: 0,
    kastRounds: 0,
    openingKills: 0,
    openingDeaths: 0,
    tradeKills: 0,
    tradedDeaths: 0,
    utilityDamage: 0,
    flashAssists: 0,
    enemiesFlashed: 0,
    bombPlants: 0,
    bombDefuses: 0,
    teamKills: 0,
    suicides: 0,
  };
  const killRounds = zeroCounts();
  const clutchesWon = zeroCounts();
  const clutchesAttempted = zeroCounts();
  for (const line of lines) {
    for (const field of Object.keys(total) as (keyof typeof total)[]) total[field] += line[field];
    killRounds['1'] += line.oneKillRounds;
    for (const size of ['2', '3', '4', '5'] as const) killRounds[size] += line.multiKills[size];
    for (const size of ['1', '2', '3', '4', '5'] as const) {
      clutchesWon[size] += line.clutchesWon[size];
      clutchesAttempted[size] += line.clutchesAttempted[size];
    }
  }
  const rounds = total.roundsPlayed;
  const perRound = (value: number): number => (rounds === 0 ? 0 : value / rounds);
  const ratingInput = { ...total, killRounds };
  return {
    steamId,
    matches: lines.length,
    ...total,
    hsPercent: total.kills === 0 ? 0 : round2((100 * total.headshotKills) / total.kills),
    adr: round2(perRound(total.damage)),
    kast: round2(100 * perRound(total.kastRounds)),
    multiKills: { '2': killRounds['2'], '3': killRounds['3'], '4': killRounds['4'], '5': killRounds['5'] },
    clutchesWon,
    clutchesAttempted,
    rating1: round2(rating1(ratingInput)),
    rating2approx: round2(rating2approx(ratingInput)),
  };
}
