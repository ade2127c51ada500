/**
 * What the dashboard reads from the platform: the REST read models and the dashboard socket's
 * messages. The server's own contracts, so a change there breaks the dashboard's typecheck
 * instead of the page: types only, and two pure functions the bundle carries (the positions reader
 * and the buy rule), so the page and the platform cannot disagree on them.
 */

import { type PositionSample, positionSamples } from '@geqo/shared/domain/events/stored-form';
import type { MatchSummary, MatchSummaryPlayer, TeamSummary } from '@geqo/shared/domain/match';
import type { PlayerMatchStats } from '@geqo/shared/domain/stats';
import { type BuyType, classifyBuy, DEFAULT_ECONOMY_OPTIONS } from '@geqo/shared/domain/stats/buy-rule';
import type {
  CareerMatch,
  DashboardEvent,
  EventPage,
  MatchDetail,
  MatchListItem,
  MatchPatch,
  PlayerCareer,
  ProcessedMessage,
  RoundItem,
  RoundRow,
  StoredEvent,
} from '@geqo/shared/ports';

export type {
  BuyType,
  CareerMatch,
  DashboardEvent,
  EventPage,
  MatchDetail,
  MatchListItem,
  MatchPatch,
  MatchSummary,
  MatchSummaryPlayer,
  PlayerCareer,
  PlayerMatchStats,
  PositionSample,
  ProcessedMessage,
  RoundItem,
  RoundRow,
  StoredEvent,
  TeamSummary,
};
export { classifyBuy, DEFAULT_ECONOMY_OPTIONS, positionSamples };

/** Replies of the socket itself (not broadcast messages). */
export type SocketReply =
  | { type: 'hello'; connectionId: string }
  | { type: 'subscribed' | 'unsubscribed'; topic: string }
  /** `topic`: the match id a refused subscription named (RATE_LIMITED, UNKNOWN_MATCH…). */
  | { type: 'error'; code: string; message: string; topic?: string };

/** Anything the dashboard socket sends. */
export type SocketMessage = ProcessedMessage | SocketReply;
