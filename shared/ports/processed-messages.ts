/** The dashboard socket's messages (`processed-game-events`): a wire contract the dashboard reads. */
import type { LiveStatsUpdate } from '../domain/stats/index.ts';
import type { MatchPatch, RoundRow } from './event-store.ts';

/**
 * One event as dashboards receive it. `key` is `[server, session, seq, index]`; `data` is the
 * event in its stored form (`positions` as rows, see `domain/events/stored-form.ts`).
 */
export interface DashboardEvent {
  key: [string, string, number, number];
  ts: number;
  type: string;
  round: number;
  phase: string;
  postRound: boolean;
  data: unknown;
}

/** The JSON messages on `processed-game-events`; the partition key is the topic. */
export type ProcessedMessage =
  | { type: 'events'; matchId: string; events: DashboardEvent[] }
  | { type: 'round'; matchId: string; round: RoundRow }
  | { type: 'match'; matchId: string; match: MatchPatch }
  /**
   * Live statistics after a round ended (or changed after it ended, or rounds were voided):
   * `players` are the match figures through `round` (replace the scoreboard with them),
   * `roundPlayers` that round's own figures, `voidedFrom` the first voided round if any.
   */
  | ({ type: 'stats' } & LiveStatsUpdate);
