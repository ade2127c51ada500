/**
 * What the engine tells the worker to write besides the event itself: one discriminated union,
 * each member a row (or a change of rows) in `matches`, `rounds`, `players`, `match_players`.
 */
import type { PlayingSide, RoundEndReason } from '../events/index.ts';
import type { Phase, TeamKey } from './enrichment.ts';

/** Why rounds were voided. */
export type VoidReason =
  | 'restart'
  | 'warmup'
  | 'map_start'
  | 'backup_restore'
  | 'score_rollback'
  | 'knife_round'
  | 'round_replayed';

export type MatchEndStatus = 'finished' | 'abandoned';

/** A team as the effects report it; `key` never changes, the name may once it becomes known. */
export interface TeamSummary {
  key: TeamKey;
  name: string;
  /** The side the team played in the first live round. */
  startSide: PlayingSide;
  score: number;
}

export type MatchEffect =
  | {
      type: 'match_started';
      matchId: string;
      serverId: string;
      map: string | null;
      tag: string | null;
      externalId: string | null;
      startedAt: number;
    }
  /** The external id or tag became known after the match started. */
  | {
      type: 'match_updated';
      matchId: string;
      map: string | null;
      tag: string | null;
      externalId: string | null;
    }
  | { type: 'phase_changed'; matchId: string; from: Phase; to: Phase; at: number }
  /** Teams were fixed (first live round) or a name changed. */
  | { type: 'teams_changed'; matchId: string; teams: TeamSummary[] }
  | {
      type: 'round_started';
      matchId: string;
      roundNumber: number;
      startedAt: number;
      teams: { CT: string; T: string };
    }
  | {
      type: 'round_ended';
      matchId: string;
      roundNumber: number;
      winnerSide: PlayingSide;
      winnerTeam: string;
      reason: RoundEndReason;
      startedAt: number;
      endedAt: number;
      /** Score by team name after this round. */
      score: Record<string, number>;
    }
  /**
   * Rounds from `fromRound` on, and the events stored for them so far, are void; the replayed
   * rounds follow. `score` is the score by team name once they are gone.
   */
  | {
      type: 'rounds_voided';
      matchId: string;
      fromRound: number;
      reason: VoidReason;
      at: number;
      score: Record<string, number>;
    }
  | {
      type: 'match_ended';
      matchId: string;
      status: MatchEndStatus;
      endedAt: number;
      score: Record<string, number>;
    }
  /** A player joined the match, or their name or team changed. Keyed by SteamID64, never by slot or name. */
  | { type: 'player_seen'; matchId: string; steamId: string; name: string | null; team: string | null };
