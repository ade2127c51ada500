/** Read models served by the REST API (DESIGN.md section 8). */
import { isStorableText } from '../../domain/codec/index.ts';

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

/** `GET /v1/matches?include=empty` (a comma-separated list: `empty` is the one value so far). */
export function includesEmptyMatches(include: string | null | undefined): boolean {
  return (include ?? '').split(',').some((value) => value.trim() === 'empty');
}

export interface MatchQueries {
  listMatches(options: MatchListOptions): Promise<MatchListItem[]>;
  getMatch(id: string): Promise<MatchDetail | null>;
  listRounds(matchId: string, options?: { includeVoided?: boolean }): Promise<RoundItem[]>;
  listEvents(matchId: string, query: EventQuery): Promise<EventPage>;
}

export const EVENTS_DEFAULT_LIMIT = 1_000;
export const EVENTS_MAX_LIMIT = 100_000;

/** The `after` cursor: the sort key of the last event of a page, opaque to clients. */
export interface EventCursor {
  ts: number;
  server: string;
  session: string;
  seq: number;
  index: number;
}

export function encodeCursor(cursor: EventCursor): string {
  return Buffer.from(
    JSON.stringify([cursor.ts, cursor.server, cursor.session, cursor.seq, cursor.index]),
  ).toString('base64url');
}

/** The largest time a JavaScript Date holds (ms); a cursor past it cannot name a stored event. */
/** The last millisecond of year 9999: PostgreSQL's timestamptz reads no later ISO date from JS. */
const MAX_CURSOR_TS = 253_402_300_799_999;
const MAX_CURSOR_TEXT = 256;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const CONTROL = /[\u0000-\u001f\u007f]/;

const cursorText = (value: unknown): value is string =>
  typeof value === 'string' &&
  value.length <= MAX_CURSOR_TEXT &&
  !CONTROL.test(value) &&
  isStorableText(value);
const cursorInt = (value: unknown, max: number): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= max;

/**
 * The cursor a page handed out, or `null` for anything else: a client can craft the bytes, so
 * every field is checked against what the query can bind (a time a Date holds, a bigint `seq`, an
 * integer `idx`, text without NUL or control characters), never left for the database to refuse.
 */
export function decodeCursor(text: string): EventCursor | null {
  if (text.length > 2 * MAX_CURSOR_TEXT + 128 || !/^[A-Za-z0-9_-]+$/.test(text)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 5) return null;
    const [ts, server, session, seq, index] = value as unknown[];
    if (!cursorInt(ts, MAX_CURSOR_TS) || !cursorText(server) || !cursorText(session)) return null;
    if (!cursorInt(seq, Number.MAX_SAFE_INTEGER) || !cursorInt(index, 2_147_483_647)) return null;
    return { ts, server, session, seq, index };
  } catch {
    return null;
  }
}
