import { isStorableText } from '../domain/codec/index.ts';
import type { EventCursor } from './match-queries.ts';

/**
 * The codec of {@link EventCursor}: part of the {@link MatchQueries} contract (a store hands it out
 * as `EventPage.next` and reads it back as `EventQuery.after`; an edge checks it before a query).
 */
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
