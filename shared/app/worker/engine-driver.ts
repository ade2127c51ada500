import type { AnyEvent } from '../../domain/events/index.ts';
import type { EnrichedEvent, EventKey } from '../../domain/match/index.ts';
import type { MatchPatch, MatchPlayerRow, PlayerRow, RoundRow } from '../../ports/index.ts';

export interface EngineInput {
  key: EventKey;
  event: AnyEvent;
  matchTag?: string;
  externalMatchId?: string;
}

/** What the worker must write because of one event, besides the event itself. */
export type WorkerEffect =
  | { kind: 'match'; patch: MatchPatch }
  | { kind: 'round'; row: RoundRow }
  | { kind: 'round_void'; matchId: string; fromRound: number; at: number }
  | { kind: 'player'; row: PlayerRow }
  | { kind: 'match_player'; row: MatchPlayerRow };

export interface EngineStep {
  enriched: EnrichedEvent;
  effects: readonly WorkerEffect[];
}

/**
 * The match engine as the worker drives it: one JSON-serialisable state per game server,
 * advanced one event at a time (in place, for speed).
 */
export interface EngineDriver<State = unknown> {
  createState(serverId: string): State;
  apply(state: State, input: EngineInput): EngineStep;
  /** The match currently in progress on this server, if any (gaps are recorded on it). */
  currentMatchId(state: State): string | null;
}
