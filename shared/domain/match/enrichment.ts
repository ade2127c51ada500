/**
 * What the match engine (state machine + enrichment) attaches to every event it hands to storage
 * and dashboards: an {@link EnrichedEvent}. The engine lives beside this file; statistics
 * (`../stats`) read the match timelines built from enriched events (`./timeline.ts`).
 */
import type { AnyEvent, PlayingSide, RoundEndReason } from '../events/index.ts';

export const PHASES = [
  'warmup',
  'knife',
  'live',
  'paused',
  'round_end',
  'halftime',
  'overtime',
  'game_over',
] as const;
export type Phase = (typeof PHASES)[number];

/** The stable identity of an event: it makes every write idempotent. */
export interface EventKey {
  server: string;
  session: string;
  seq: number;
  /** Index of the event within its frame. */
  index: number;
}

/** Kill context flags (set on `player_death` only). */
export interface KillFlags {
  /** The round's first death and the killer's victim was an enemy. */
  openingKill: boolean;
  /** The round's first death (whoever the killer). */
  openingDeath: boolean;
  /** The killer avenged a teammate killed by this victim within the trade window. */
  tradeKill: boolean;
  /** SteamIDs of the teammates whose deaths this kill traded. */
  traded: string[];
  /** Set when this death left the victim's side with exactly one player alive. */
  clutch?: { steamId: string; side: PlayingSide; opponents: number };
}

/** Enrichment attached to every stored event (DESIGN.md section 5). */
export interface Enrichment {
  /** Null only before the first match on a server starts (e.g. events before `map_start`). */
  matchId: string | null;
  /** The round in progress (never the next one); 0 before the first round. */
  roundNumber: number;
  phase: Phase;
  /** After the round was won, before it officially ended. */
  isPostRound: boolean;
  matchTag: string | null;
  /** Not part of the match's rounds: warmup, knife round, before a restart. */
  excluded: boolean;
  /** The event type is not in the catalog: stored raw. */
  unknownType: boolean;
  kill?: KillFlags;
  /**
   * Set on the event that voided rounds (backup restore, restart, knife round found, a round
   * restarted mid-play): rounds from this number on, stored so far, are void; their replays follow.
   */
  voidsRoundsFrom?: number;
  /** Set on the `round_start` of a live round: who plays which side in it. */
  roundStart?: RoundStartInfo;
  /** Set on the `round_end` that decided a live round (never on a fake or ignored one). */
  roundEnd?: RoundEndInfo;
}

/** Stable keys of the two teams of a match: `A` started the first live round on CT. */
export type TeamKey = 'A' | 'B';

/** The teams and sides of a live round, as known when it started. */
export interface RoundStartInfo {
  number: number;
  /** The team on CT this round (the other one is T). */
  ctTeam: TeamKey;
  /** Current names of both teams (a name can become known mid-match: the last one wins). */
  teamNames: Record<TeamKey, string>;
  /** Side of every player on a playing side at round start, by SteamID64. */
  sides: Record<string, PlayingSide>;
}

/** The result of a live round, as decided. */
export interface RoundEndInfo {
  number: number;
  winnerSide: PlayingSide;
  winnerTeam: string;
  reason: RoundEndReason;
  /** Score by team name after this round. */
  scoreAfter: Record<string, number>;
  /** The team that played CT this round (the score reported by the game can correct a guess made at round start). */
  ctTeam: TeamKey;
}

export interface EnrichedEvent {
  key: EventKey;
  event: AnyEvent;
  enrichment: Enrichment;
}
