/**
 * Every path and query parameter of the local REST API is checked here before it reaches a query:
 * a NUL (which PostgreSQL refuses in text), a control character, an over-long value, a number out
 * of range or a crafted cursor is a 400 with a stable code, never a 500 from the database.
 */
import { decodeCursor } from '@geqo/shared/ports';
import { HttpError } from './router.ts';

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Ids the platform makes (`m_…`, `srv_…`) and connection ids (uuids here, `…Iw=` on AWS). */
const ID = /^[A-Za-z0-9_.:=-]{1,128}$/;
/** A SteamID64, or `BOT:<name>` (a bot's name is free text, without control characters). */
const STEAM_ID = /^(?:\d{1,20}|BOT:.{1,64})$/su;
/** Event types and match statuses: snake case words. */
const WORD = /^[A-Za-z0-9_]{1,64}$/;

function bad(name: string, message: string): HttpError {
  return new HttpError(400, 'BAD_PARAMETER', `${name}: ${message}`);
}

/** Text without NUL or control characters, of at most `max` characters (and not empty). */
export function textParam(value: string, name: string, max = 256): string {
  if (value === '' || value.length > max || CONTROL.test(value)) {
    throw bad(name, `a non-empty text of at most ${max} characters, without control characters`);
  }
  return value;
}

/** A match, server or connection id: letters, digits and `_.:=-`, at most 128 of them. */
export function idParam(value: string | undefined, name: string): string {
  if (value === undefined || !ID.test(value)) {
    throw bad(name, 'an id of letters, digits and _.:=- (at most 128 characters)');
  }
  return value;
}

export function steamIdParam(value: string | undefined, name: string): string {
  if (value === undefined || !STEAM_ID.test(value) || CONTROL.test(value)) {
    throw bad(name, 'a SteamID64 (digits) or BOT:<name>');
  }
  return value;
}

/** A positive integer id in a path (dead letters), as a number. */
export function positiveIdParam(value: string | undefined, name: string): number {
  if (value === undefined || !/^[1-9]\d{0,15}$/.test(value) || Number(value) > Number.MAX_SAFE_INTEGER) {
    throw bad(name, 'a positive integer');
  }
  return Number(value);
}

/** An optional query parameter; present but empty counts as absent. */
export function optionalQuery(
  query: URLSearchParams,
  name: string,
  check: (value: string, name: string) => string,
): string | undefined {
  const raw = query.get(name);
  return raw === null || raw === '' ? undefined : check(raw, name);
}

/** A snake-case word (an event type, a match status). */
export function wordParam(value: string, name: string): string {
  if (!WORD.test(value)) throw bad(name, 'letters, digits and _ (at most 64)');
  return value;
}

/** A comma-separated list of words (`include=empty`). */
export function wordListParam(value: string, name: string): string {
  if (!value.split(',').every((word) => WORD.test(word.trim()))) throw bad(name, 'words separated by commas');
  return value;
}

export function intParam(
  query: URLSearchParams,
  name: string,
  bounds: { min: number; max: number },
): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const value = /^-?\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < bounds.min || value > bounds.max) {
    throw new HttpError(400, 'BAD_QUERY', `${name} must be an integer from ${bounds.min} to ${bounds.max}`);
  }
  return value;
}

/** `true`, `false` or absent. */
export function flagParam(query: URLSearchParams, name: string): boolean {
  const raw = query.get(name);
  if (raw === null || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw bad(name, 'true or false');
}

/** The `after` cursor of the events route: one this API handed out, else a 400 (as on Lambda). */
export function cursorParam(query: URLSearchParams): string | undefined {
  const raw = query.get('after');
  if (raw === null || raw === '') return undefined;
  if (decodeCursor(raw) === null) throw new HttpError(400, 'BAD_CURSOR', 'after: not a cursor of this API');
  return raw;
}
