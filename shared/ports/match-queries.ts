/** Read models served by the REST API (DESIGN.md section 8), and the port that reads them. */

export interface MatchListItem {
  id: string;
  serverId: string;
  externalId: string | null;
  map: string | null;
  tag: string | null;
  status: string;
  teams: unknown;
  score: Record<string, number>;
  startedAt: string;
  endedAt: string | null;
}

export interface MatchDetail extends MatchListItem {
  gaps: unknown[];
  rounds: number;
  events: number;
}

export interface RoundItem {
  number: number;
  winnerSide: string | null;
  winnerTeam: string | null;
  reason: string | null;
  scoreAfter: Record<string, number>;
  startedAt: string;
  endedAt: string | null;
  voided: boolean;
  /**
   * Player kills in the round as the MatchSummary counts them (post-round kills included): set
   * live when the round ends, rewritten from stored events when the match ends; null before.
   */
  kills: number | null;
}

export interface StoredEvent {
  key: { server: string; session: string; seq: number; index: number };
  ts: number;
  type: string;
  roundNumber: number;
  phase: string;
  isPostRound: boolean;
  matchTag: string | null;
  flags: Record<string, unknown> | null;
  event: Record<string, unknown>;
}

export interface EventPage {
  events: StoredEvent[];
  /** Pass as `after` to get the next page; null on the last page. */
  next: string | null;
}

export interface EventQuery {
  type?: string;
  round?: number;
  after?: string;
  limit: number;
}

export interface MatchListOptions {
  limit: number;
  status?: string;
  serverId?: string;
  /**
   * Also the matches that ended without a completed round (a warmup after a game over, a match
   * abandoned in its first round). Without it they are left out, unless `status` asks for them.
   */
  includeEmpty?: boolean;
}

export interface MatchQueries {
  listMatches(options: MatchListOptions): Promise<MatchListItem[]>;
  getMatch(id: string): Promise<MatchDetail | null>;
  listRounds(matchId: string, options?: { includeVoided?: boolean }): Promise<RoundItem[]>;
  listEvents(matchId: string, query: EventQuery): Promise<EventPage>;
}

/** The `after` cursor: the sort key of the last event of a page, opaque to clients. */
export interface EventCursor {
  ts: number;
  server: string;
  session: string;
  seq: number;
  index: number;
}
