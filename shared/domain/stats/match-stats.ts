/**
 * Match statistics: per-round player records summed into the MatchSummary player lines
 * (DESIGN.md section 8). Summing is the only step, so the live view (one record per round as
 * rounds end) and the end-of-match recomputation from stored events agree by construction.
 */
import type { PlayingSide } from '../events/index.ts';
import type { MatchTimeline, TimelinePlayer, TimelineRound } from '../match/timeline.ts';
import type { StatsOptionsInput } from './options.ts';
import { type KillRoundCounts, rating1, rating2approx } from './ratings.ts';
import { computeRoundStats, type PlayerRoundStats } from './round-stats.ts';

/** The per-round records of one live round: what a live worker keeps by round number. */
export interface RoundStats {
  number: number;
  /** Team names by side during the round. */
  teams: { CT: string; T: string };
  players: Record<string, PlayerRoundStats>;
}

/** Rounds with exactly 2, 3, 4 and 5 enemy kills. */
export type MultiKillCounts = Record<'2' | '3' | '4' | '5', number>;
/** Clutches by number of opponents (1v1 … 1v5). */
export type ClutchCounts = Record<'1' | '2' | '3' | '4' | '5', number>;

/** One player's line of the MatchSummary, plus the extra figures the dashboards show. */
export interface PlayerMatchStats {
  steamId: string;
  name: string;
  /** Team name (followed across side swaps). */
  team: string | null;
  /** Live rounds the player was on a playing side for; the divisor of every per-round figure. */
  roundsPlayed: number;
  kills: number;
  deaths: number;
  assists: number;
  headshotKills: number;
  /** 100 × headshot kills ÷ kills, 2 decimals. */
  hsPercent: number;
  damage: number;
  /** Damage per round, 2 decimals. */
  adr: number;
  /** Percentage of rounds with a kill, assist, survival or traded death, 2 decimals. */
  kast: number;
  openingKills: number;
  openingDeaths: number;
  tradeKills: number;
  tradedDeaths: number;
  multiKills: MultiKillCounts;
  clutchesWon: ClutchCounts;
  clutchesAttempted: ClutchCounts;
  utilityDamage: number;
  flashAssists: number;
  enemiesFlashed: number;
  bombPlants: number;
  bombDefuses: number;
  teamKills: number;
  suicides: number;
  /** HLTV rating 1.0, 2 decimals. */
  rating1: number;
  /** Community approximation of rating 2.0 (not HLTV's own), 2 decimals. */
  rating2approx: number;
}

/** Running sums of one player's round records. */
interface PlayerTotals {
  steamId: string;
  team: string | null;
  roundsPlayed: number;
  kills: number;
  deaths: number;
  assists: number;
  headshotKills: number;
  damage: number;
  kastRounds: number;
  openingKills: number;
  openingDeaths: number;
  tradeKills: number;
  tradedDeaths: number;
  killRounds: KillRoundCounts;
  clutchesWon: ClutchCounts;
  clutchesAttempted: ClutchCounts;
  utilityDamage: number;
  flashAssists: number;
  enemiesFlashed: number;
  bombPlants: number;
  bombDefuses: number;
  teamKills: number;
  suicides: number;
}

/** Counts per bucket 1..5, all zero. */
export const zeroCounts = (): ClutchCounts => ({ '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 });

/** Buckets 1..5; more (only possible with respawns or stacked teams) go to the top bucket. */
function bucket(count: number): '1' | '2' | '3' | '4' | '5' {
  const clamped = Math.min(Math.max(Math.trunc(count), 1), 5);
  return String(clamped) as '1' | '2' | '3' | '4' | '5';
}

/** Half-up rounding to 2 decimals that does not trip over binary floats (1.005 → 1.01). */
export function round2(value: number): number {
  return Math.round((value + Number.EPSILON) * 100) / 100;
}

function emptyTotals(steamId: string): PlayerTotals {
  return {
    steamId,
    team: null,
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
    killRounds: zeroCounts(),
    clutchesWon: zeroCounts(),
    clutchesAttempted: zeroCounts(),
    utilityDamage: 0,
    flashAssists: 0,
    enemiesFlashed: 0,
    bombPlants: 0,
    bombDefuses: 0,
    teamKills: 0,
    suicides: 0,
  };
}

function addRound(
  totals: PlayerTotals,
  record: PlayerRoundStats,
  teamBySide: Record<PlayingSide, string>,
): void {
  if (record.side !== null) {
    totals.roundsPlayed += 1;
    totals.team = teamBySide[record.side];
  }
  totals.kills += record.kills;
  totals.deaths += record.deaths;
  totals.assists += record.assists;
  totals.headshotKills += record.headshotKills;
  totals.damage += record.damage;
  totals.utilityDamage += record.utilityDamage;
  totals.flashAssists += record.flashAssists;
  totals.enemiesFlashed += record.enemiesFlashed;
  totals.bombPlants += record.bombPlants;
  totals.bombDefuses += record.bombDefuses;
  totals.teamKills += record.teamKills;
  totals.suicides += record.suicides;
  totals.tradeKills += record.tradeKills;
  if (record.kast) totals.kastRounds += 1;
  if (record.openingKill) totals.openingKills += 1;
  if (record.openingDeath) totals.openingDeaths += 1;
  if (record.tradedDeath) totals.tradedDeaths += 1;
  if (record.kills > 0) totals.killRounds[bucket(record.kills)] += 1;
  if (record.clutch !== null && record.clutch.opponents > 0) {
    const opponents = bucket(record.clutch.opponents);
    totals.clutchesAttempted[opponents] += 1;
    if (record.clutch.won) totals.clutchesWon[opponents] += 1;
  }
}

function toMatchStats(totals: PlayerTotals, player: TimelinePlayer | undefined): PlayerMatchStats {
  const rounds = totals.roundsPlayed;
  const perRound = (value: number): number => (rounds === 0 ? 0 : value / rounds);
  const { killRounds } = totals;
  return {
    steamId: totals.steamId,
    name: player?.name ?? totals.steamId,
    team: player?.team ?? totals.team,
    roundsPlayed: rounds,
    kills: totals.kills,
    deaths: totals.deaths,
    assists: totals.assists,
    headshotKills: totals.headshotKills,
    hsPercent: totals.kills === 0 ? 0 : round2((100 * totals.headshotKills) / totals.kills),
    damage: totals.damage,
    adr: round2(perRound(totals.damage)),
    kast: round2(100 * perRound(totals.kastRounds)),
    openingKills: totals.openingKills,
    openingDeaths: totals.openingDeaths,
    tradeKills: totals.tradeKills,
    tradedDeaths: totals.tradedDeaths,
    multiKills: { '2': killRounds['2'], '3': killRounds['3'], '4': killRounds['4'], '5': killRounds['5'] },
    clutchesWon: totals.clutchesWon,
    clutchesAttempted: totals.clutchesAttempted,
    utilityDamage: totals.utilityDamage,
    flashAssists: totals.flashAssists,
    enemiesFlashed: totals.enemiesFlashed,
    bombPlants: totals.bombPlants,
    bombDefuses: totals.bombDefuses,
    teamKills: totals.teamKills,
    suicides: totals.suicides,
    rating1: round2(rating1(totals)),
    rating2approx: round2(rating2approx(totals)),
  };
}

/** Per-round records of one live round, ready to be kept by round number and aggregated. */
export function buildRoundStats(round: TimelineRound, options: StatsOptionsInput = {}): RoundStats {
  return { number: round.number, teams: round.teams, players: computeRoundStats(round, options) };
}

/**
 * Sums per-round records into match lines. Rounds are keyed by number: a later record for the same
 * number replaces an earlier one (a round replayed after a backup restore), so a live worker can
 * pass its records as they come; a voided round must simply not be passed. Players are listed in
 * the order of `players`, then any others seen in the rounds; a player who appears in no round
 * (a coach, a spectator) gets no line.
 */
export function aggregateMatchStats(
  rounds: readonly RoundStats[],
  players: readonly TimelinePlayer[],
): PlayerMatchStats[] {
  const latestByNumber = new Map<number, RoundStats>();
  for (const round of rounds) latestByNumber.set(round.number, round);
  const ordered = [...latestByNumber.values()].sort((first, second) => first.number - second.number);

  const totalsById = new Map<string, PlayerTotals>();
  for (const round of ordered) {
    for (const record of Object.values(round.players)) {
      let totals = totalsById.get(record.steamId);
      if (totals === undefined) {
        totals = emptyTotals(record.steamId);
        totalsById.set(record.steamId, totals);
      }
      addRound(totals, record, round.teams);
    }
  }

  const playerById = new Map(players.map((player) => [player.steamId, player]));
  const listed = players.map((player) => player.steamId).filter((steamId) => totalsById.has(steamId));
  const unlisted = [...totalsById.keys()].filter((steamId) => !playerById.has(steamId));
  return [...listed, ...unlisted].map((steamId) =>
    toMatchStats(totalsById.get(steamId) ?? emptyTotals(steamId), playerById.get(steamId)),
  );
}

/** Statistics of a whole match: its timeline's live rounds only (knife, warmup and voided rounds are not in it). */
export function computeMatchStats(
  timeline: MatchTimeline,
  options: StatsOptionsInput = {},
): PlayerMatchStats[] {
  return aggregateMatchStats(
    timeline.rounds.map((round) => buildRoundStats(round, options)),
    timeline.players,
  );
}
