/**
 * The MatchSummary (DESIGN.md section 8): the JSON of `geqo analyze --json` and of
 * `GET /v1/matches/{id}/summary`. Built from a {@link MatchTimeline} and the player lines the
 * statistics computed from the same timeline.
 */
import { isKnownEvent, type PlayingSide, type RoundEndReason } from '../events/index.ts';
import type { MatchStatus, MatchTimeline } from './timeline.ts';

export interface MatchSummaryTeam {
  name: string;
  startSide: PlayingSide;
  score: number;
}

export interface MatchSummaryRound {
  number: number;
  winnerSide: PlayingSide | null;
  winnerTeam: string | null;
  reason: RoundEndReason | null;
  /** Player kills in the round (a player killed by another player), post-round kills included. */
  kills: number;
  /** Score by team name after the round. */
  scoreAfter: Record<string, number>;
}

export interface MatchSummaryPlayer {
  steamId: string;
  name: string;
  team: string | null;
  kills: number;
  deaths: number;
  assists: number;
  headshotKills: number;
  damage: number;
  adr: number;
  kast: number;
  openingKills: number;
  openingDeaths: number;
  tradeKills: number;
  tradedDeaths: number;
  multiKills: Record<'2' | '3' | '4' | '5', number>;
  clutchesWon: Record<string, number>;
  utilityDamage: number;
  flashAssists: number;
  rating1: number;
  rating2approx: number;
}

export interface MatchSummary {
  map: string | null;
  status: MatchStatus;
  teams: MatchSummaryTeam[];
  rounds: MatchSummaryRound[];
  players: MatchSummaryPlayer[];
}

/**
 * The summary of a match. `players` are the statistics' lines (any object with at least the
 * summary fields: extra fields are left out, so the JSON is exactly the documented shape).
 */
export function summarizeMatch(
  timeline: MatchTimeline,
  players: readonly MatchSummaryPlayer[],
): MatchSummary {
  return {
    map: timeline.map,
    status: timeline.status,
    teams: timeline.teams.map(({ name, startSide, score }) => ({ name, startSide, score })),
    rounds: timeline.rounds.map((round) => ({
      number: round.number,
      winnerSide: round.winnerSide,
      winnerTeam: round.winnerTeam,
      reason: round.reason,
      kills: round.events.reduce((kills, { event }) => {
        const isKill = isKnownEvent(event) && event.type === 'player_death' && event.attacker !== undefined;
        return isKill && event.attacker !== event.victim ? kills + 1 : kills;
      }, 0),
      scoreAfter: { ...round.scoreAfter },
    })),
    players: players.map(toSummaryPlayer),
  };
}

/** A statistics line reduced to exactly the MatchSummary player fields. */
export function toSummaryPlayer(player: MatchSummaryPlayer): MatchSummaryPlayer {
  return {
    steamId: player.steamId,
    name: player.name,
    team: player.team,
    kills: player.kills,
    deaths: player.deaths,
    assists: player.assists,
    headshotKills: player.headshotKills,
    damage: player.damage,
    adr: player.adr,
    kast: player.kast,
    openingKills: player.openingKills,
    openingDeaths: player.openingDeaths,
    tradeKills: player.tradeKills,
    tradedDeaths: player.tradedDeaths,
    multiKills: { ...player.multiKills },
    clutchesWon: { ...player.clutchesWon },
    utilityDamage: player.utilityDamage,
    flashAssists: player.flashAssists,
    rating1: player.rating1,
    rating2approx: player.rating2approx,
  };
}
