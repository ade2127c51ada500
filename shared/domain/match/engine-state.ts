/**
 * The match engine's state for one game server. Plain objects, arrays, strings, numbers and
 * booleans only: the worker stores it as jsonb after each batch and any worker resumes from
 * `JSON.parse` of it exactly where the last one stopped.
 */
import type { PlayingSide, RoundEndReason, Side } from '../events/index.ts';
import { DEFAULT_TRADE_WINDOW_MS, type KillTrackerSnapshot } from '../stats/kill-tracker.ts';
import type { TeamKey } from './enrichment.ts';
import { DEFAULT_MATCH_RULES, type MatchRules } from './match-rules.ts';
import type { PhaseState } from './phase.ts';

/** Bumped when the shape changes, so a worker can refuse (and rebuild from events) an old snapshot. */
export const ENGINE_STATE_VERSION = 1;

export interface ServerState {
  version: typeof ENGINE_STATE_VERSION;
  serverId: string;
  /** Session of the last applied event: a new one means the plugin restarted. */
  session: string | null;
  /** The match in progress, or the last one (after game over) until a boundary event opens the next. */
  match: MatchState | null;
  options: EngineOptions;
}

export interface EngineOptions {
  rules: MatchRules;
  /** Trade window of the kill flags (the statistics' definition by default). */
  tradeWindowMs: number;
}

export const DEFAULT_ENGINE_OPTIONS: Readonly<EngineOptions> = Object.freeze({
  rules: DEFAULT_MATCH_RULES,
  tradeWindowMs: DEFAULT_TRADE_WINDOW_MS,
});

export interface PlayerState {
  name: string | null;
  /** Last side reported by the game (player_team, player_spawn). */
  side: Side | null;
  /** The team the player plays for; follows teams across side swaps. */
  team: TeamKey | null;
  connected: boolean;
}

/** How the team on CT in a round was decided, strongest first. */
export type SideSource = 'first_round' | 'players' | 'team_names' | 'schedule';

export interface RoundResult {
  number: number;
  winnerSide: PlayingSide;
  winnerTeam: TeamKey;
  reason: RoundEndReason;
}

/** The round in play or last played. */
export interface CurrentRound {
  /** Live round number; 0 for a knife round. */
  number: number;
  ctTeam: TeamKey;
  ctTeamSource: SideSource;
  startedAt: number;
  /** Players on a playing side during the round (joining mid-round included). */
  sides: Record<string, PlayingSide>;
  /** The kill-flag tracker's snapshot (the tracker lives only while a death is applied). */
  tracker: KillTrackerSnapshot;
}

export interface MatchState {
  id: string;
  map: string | null;
  tag: string | null;
  externalId: string | null;
  startedAt: number;
  flow: PhaseState;
  /** Names by side from the last `team_names` (generic names like "CT" are dropped). */
  sideNames: { CT: string | null; T: string | null };
  /** Team names once known; `A` started the first live round on CT. */
  teamNames: Record<TeamKey, string | null>;
  /** Teams are fixed once the first live round starts. */
  teamsFixed: boolean;
  score: Record<TeamKey, number>;
  /** Completed live rounds, in order (`results[n - 1]` is round n). */
  results: RoundResult[];
  round: CurrentRound | null;
  players: Record<string, PlayerState>;
  /**
   * After a backup restore until the replayed round's freeze time ends: the game respawns
   * everyone (deaths that are no kills) and may fire `round_start` twice.
   */
  restoring: boolean;
  /** A new plugin session began: its re-announcements (`map_start` of this map, `match_start`) are not resets. */
  resyncing: boolean;
}

/** A fresh server: no match until a boundary event (`map_start`, `match_start`, …) opens one. */
export function createServerState(serverId: string, options: Partial<EngineOptions> = {}): ServerState {
  return {
    version: ENGINE_STATE_VERSION,
    serverId,
    session: null,
    match: null,
    options: {
      rules: { ...(options.rules ?? DEFAULT_ENGINE_OPTIONS.rules) },
      tradeWindowMs: options.tradeWindowMs ?? DEFAULT_ENGINE_OPTIONS.tradeWindowMs,
    },
  };
}
