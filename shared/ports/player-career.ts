/** `GET /v1/players/{steamId}`: a player's career, a wire contract the dashboard reads. */
import type { PlayerCareerStats } from '../domain/stats/index.ts';

/** One of a player's recent matches, as a career page lists it. */
export interface CareerMatch {
  matchId: string;
  map: string | null;
  status: string;
  startedAt: string;
  team: string | null;
  /** Final score by team name. */
  score: Record<string, number>;
  roundsPlayed: number;
  kills: number;
  deaths: number;
  assists: number;
  adr: number;
  kast: number;
  rating1: number;
  rating2approx: number;
}

/** `GET /v1/players/{steamId}`. */
export interface PlayerCareer {
  steamId: string;
  name: string | null;
  /** Totals over every stored match of the player; rates recomputed from the totals. */
  career: PlayerCareerStats;
  /** The most recent matches, newest first. */
  recentMatches: CareerMatch[];
  /** The career's figures per map (every stored match), most played first. */
  maps: CareerMap[];
}

/** A player's figures on one map: the career rule (sums, rates recomputed) over that map's matches. */
export interface CareerMap {
  map: string | null;
  stats: PlayerCareerStats;
}
