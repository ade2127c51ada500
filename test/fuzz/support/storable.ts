/**
 * What PostgreSQL accepts, as a pure predicate: the fuzz properties check that whatever an edge
 * function lets through (a decoded frame, a parsed log line, a mapped webhook, a REST parameter)
 * could be written without the database refusing it, since a refusal at write time is a poison
 * record for the worker or a 500 for the API.
 *
 * The rules, and the PostgreSQL behaviour each mirrors:
 * - text and jsonb hold no U+0000 (`text` refuses the byte, `jsonb` refuses `\u0000`);
 * - no unpaired UTF-16 surrogate (jsonb refuses a lone `\ud800` escape; a text column would get
 *   U+FFFD, silently another value): object keys included;
 * - every number finite (jsonb has no NaN or Infinity; JSON.stringify would turn them into null)
 *   and within ±2^53 (an integer column is int4/int8, a larger JS number is not exact anyway);
 * - timestamps (`ts`) are integers of epoch ms whose `new Date(ts)` is valid and falls in years
 *   1 to 9999 (what a day partition and every date function handle);
 * - values that land in `integer` columns (a restored round, a round number) fit int4;
 * - nesting at most {@link MAX_JSON_DEPTH} deep (jsonb parsing is recursive: PostgreSQL 18, with
 *   the default 2 MB stack, takes 10,000 levels and stops at 20,000 with "stack depth limit exceeded").
 */

import { decodeFrame, encodeFrame, type Frame } from '../../../shared/domain/codec/index.ts';

export const MAX_JSON_DEPTH = 10_000;
export const INT4_MAX = 2 ** 31 - 1;
/** 9999-12-31T23:59:59.999Z. */
export const LATEST_TS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** 0001-01-01T00:00:00.000Z (Date.UTC would read year 1 as 1901). */
export const EARLIEST_TS = new Date(0).setUTCFullYear(1, 0, 1);

/** Why a string cannot be stored, or null. */
export function textProblem(text: string): string | null {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0) return `U+0000 at ${index}`;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return `lone high surrogate at ${index}`;
      index++;
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      return `lone low surrogate at ${index}`;
    }
  }
  return null;
}

/**
 * Why a JSON-like value cannot go into a jsonb (or text) column, or null. Walks with its own
 * stack, not recursion: a hostile value may nest deeper than JavaScript's call stack.
 */
export function valueProblem(root: unknown, rootPath = '$'): string | null {
  const stack: { value: unknown; path: string; depth: number }[] = [
    { value: root, path: rootPath, depth: 0 },
  ];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const problem = ownProblem(item.value, item.path, item.depth);
    if (problem !== null) return problem;
    const { value, path, depth } = item;
    if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index--) {
        stack.push({ value: value[index], path: `${path}[${index}]`, depth: depth + 1 });
      }
    } else if (isPlainObject(value)) {
      for (const [key, inner] of Object.entries(value).reverse()) {
        const keyProblem = textProblem(key);
        if (keyProblem !== null) return `${shortPath(path)}: key ${JSON.stringify(key)}: ${keyProblem}`;
        stack.push({ value: inner, path: depth < 64 ? `${path}.${key}` : path, depth: depth + 1 });
      }
    }
  }
  return null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** What is wrong with this value itself (not its contents), or null. */
function ownProblem(value: unknown, path: string, depth: number): string | null {
  if (depth > MAX_JSON_DEPTH) return `${shortPath(path)}: nested deeper than ${MAX_JSON_DEPTH}`;
  switch (typeof value) {
    case 'string': {
      const problem = textProblem(value);
      return problem === null ? null : `${shortPath(path)}: ${problem}`;
    }
    case 'number':
      if (!Number.isFinite(value)) return `${shortPath(path)}: ${value} is not finite`;
      if (Math.abs(value) > Number.MAX_SAFE_INTEGER) return `${shortPath(path)}: ${value} is out of bounds`;
      return null;
    case 'boolean':
    case 'undefined':
      return null;
    case 'bigint':
      return `${shortPath(path)}: bigint ${value}`;
    case 'object':
      if (value === null || Array.isArray(value) || isPlainObject(value)) return null;
      // msgpack's timestamp and bin types: JSON.stringify writes an ISO string (and throws on an
      // invalid Date) and an object of byte values.
      if (value instanceof Date) {
        return Number.isNaN(value.getTime())
          ? `${shortPath(path)}: an invalid Date (JSON.stringify throws)`
          : null;
      }
      if (value instanceof Uint8Array) return null;
      return `${shortPath(path)}: a ${value.constructor?.name ?? 'non-plain'} object, not JSON`;
    default:
      return `${shortPath(path)}: a ${typeof value}, not JSON`;
  }
}

function shortPath(path: string): string {
  return path.length > 80 ? `${path.slice(0, 40)}…${path.slice(-20)}` : path;
}

/** Why `ts` is not a storable timestamp, or null. */
export function timestampProblem(ts: unknown, path = 'ts'): string | null {
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts)) return `${path}: ${String(ts)} is not an integer`;
  if (Number.isNaN(new Date(ts).getTime())) return `${path}: ${ts} is not a valid Date`;
  if (ts < EARLIEST_TS || ts > LATEST_TS) return `${path}: ${ts} is outside years 1 to 9999`;
  return null;
}

/** Why an event (as the worker would store it) cannot be stored, or null. */
export function eventProblem(event: unknown, path = 'event'): string | null {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return `${path}: not an object`;
  const fields = event as Record<string, unknown>;
  if (typeof fields.type !== 'string') return `${path}.type: not a string`;
  const ts = timestampProblem(fields.ts, `${path}.ts`);
  if (ts !== null) return ts;
  if (fields.type === 'backup_restore' && typeof fields.round === 'number' && fields.round > INT4_MAX) {
    return `${path}.round: ${fields.round} does not fit an integer column`;
  }
  return valueProblem(event, path);
}

/** Whether PostgreSQL would accept the event as a stored row (see the module comment). */
export function isStorable(event: unknown): boolean {
  return eventProblem(event) === null;
}

/** Why a decoded frame (envelope and events) cannot be stored, or null. */
export function frameProblem(frame: {
  server: string;
  session: string;
  seq: number;
  match?: string;
  tag?: string;
  events: readonly unknown[];
}): string | null {
  for (const [name, text] of [
    ['server', frame.server],
    ['session', frame.session],
    ['match', frame.match],
    ['tag', frame.tag],
  ] as const) {
    if (text === undefined) continue;
    const problem = textProblem(text);
    if (problem !== null) return `frame.${name}: ${problem}`;
  }
  if (!Number.isSafeInteger(frame.seq) || frame.seq < 1) return `frame.seq: ${frame.seq} is not a bigint`;
  for (let index = 0; index < frame.events.length; index++) {
    const problem = eventProblem(frame.events[index], `events[${index}]`);
    if (problem !== null) return problem;
  }
  return null;
}

/**
 * What becomes of `events` (and a match id) on their way to the store: an ingest channel (log,
 * webhook) puts them in a frame, and the worker decodes that frame with the codec. Either the
 * codec refuses it (`refused`: the frame is dead-lettered with that code, never written), or
 * `problem` says why PostgreSQL would refuse what the worker decoded (null: storable). The
 * round trip matters: msgpack carries a lone surrogate as U+FFFD, for one.
 */
export function throughCodec(
  events: readonly unknown[],
  match?: string,
): { refused: string } | { refused: null; problem: string | null } {
  const frame = {
    v: 1,
    server: 'srv_fuzz0000001',
    session: 'codec-check',
    seq: 1,
    sentAt: 0,
    events: structuredClone(events),
    ...(match === undefined ? {} : { match }),
  } as Frame;
  const decoded = decodeFrame(encodeFrame(frame, { compression: 'none' }), {
    maxFrameBase64Chars: Number.MAX_SAFE_INTEGER,
    maxDecompressedBytes: Number.MAX_SAFE_INTEGER,
  });
  if (!decoded.ok) return { refused: decoded.code };
  return { refused: null, problem: frameProblem(decoded.frame) };
}
