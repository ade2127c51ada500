/**
 * Every path and query parameter of the HTTP API, checked here before it reaches a query, the same
 * way on every transport: a NUL (which PostgreSQL refuses in text), a control character, an
 * over-long value, a number out of range or a crafted cursor is a 400 with a stable code
 * (`BAD_PARAMETER`, `BAD_QUERY`, `BAD_CURSOR`), never a 500 from the database.
 *
 * Each parameter is a {@link ParamSpec}: its OpenAPI description (a TypeBox schema) and the reader
 * that enforces it, written side by side so the document cannot promise what the code refuses.
 */
import { type TSchema, Type } from '@sinclair/typebox';
import { decodeCursor } from '../../ports/index.ts';
import type { ApiRequest } from './api-request.ts';
import { HttpError } from './http-error.ts';

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Ids the platform makes (`m_…`, `srv_…`) and connection ids (uuids here, `…Iw=` on AWS). */
const ID = /^[A-Za-z0-9_.:=-]{1,128}$/;
/** A SteamID64, or `BOT:<name>` (a bot's name is free text, without control characters). */
const STEAM_ID = /^(?:\d{1,20}|BOT:.{1,64})$/su;
/** Event types and match statuses: snake case words. */
const WORD = /^[A-Za-z0-9_]{1,64}$/;
const POSITIVE_ID = /^[1-9]\d{0,15}$/;

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
  if (value === undefined || !POSITIVE_ID.test(value) || Number(value) > Number.MAX_SAFE_INTEGER) {
    throw bad(name, 'a positive integer');
  }
  return Number(value);
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

/** An integer within bounds, or absent (`null` or `''`); anything else is a 400 `BAD_QUERY`. */
export function intParam(
  raw: string | null | undefined,
  name: string,
  bounds: { min: number; max: number },
): number | undefined {
  if (raw === null || raw === undefined || raw === '') return undefined;
  const value = /^-?\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < bounds.min || value > bounds.max) {
    throw new HttpError(400, 'BAD_QUERY', `${name} must be an integer from ${bounds.min} to ${bounds.max}`);
  }
  return value;
}

/** `true`, `false` or absent. */
export function flagParam(raw: string | null | undefined, name: string): boolean {
  if (raw === null || raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw bad(name, 'true or false');
}

/** An `after` cursor: one this API handed out, else a 400 `BAD_CURSOR`; absent when empty. */
export function cursorParam(raw: string | null | undefined, name = 'after'): string | undefined {
  if (raw === null || raw === undefined || raw === '') return undefined;
  if (decodeCursor(raw) === null) throw new HttpError(400, 'BAD_CURSOR', `${name}: not a cursor of this API`);
  return raw;
}

/** One parameter of a route: how the OpenAPI document describes it, and how a request's is read. */
export interface ParamSpec<T> {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description: string;
  schema: TSchema;
  /** The checked value, or the `HttpError` (400) that refuses it. */
  read: (request: Pick<ApiRequest, 'params' | 'query'>) => T;
}

const fromPath = (request: Pick<ApiRequest, 'params'>, name: string) => request.params[name];
/** A query value; present but empty counts as absent. */
const fromQuery = (request: Pick<ApiRequest, 'query'>, name: string) => {
  const raw = request.query[name];
  return raw === undefined || raw === '' ? undefined : raw;
};

const ID_SCHEMA = { pattern: ID.source } as const;

/** Path parameters. */
export const pathParams = {
  id: (name: string, description: string): ParamSpec<string> => ({
    name,
    in: 'path',
    required: true,
    description,
    schema: Type.String({ pattern: ID_SCHEMA.pattern, maxLength: 128 }),
    read: (request) => idParam(fromPath(request, name), name),
  }),
  steamId: (name: string, description: string): ParamSpec<string> => ({
    name,
    in: 'path',
    required: true,
    description,
    schema: Type.String({ pattern: '^(?:\\d{1,20}|BOT:[^\\u0000-\\u001f\\u007f]{1,64})$' }),
    read: (request) => steamIdParam(fromPath(request, name), name),
  }),
  positiveId: (name: string, description: string): ParamSpec<number> => ({
    name,
    in: 'path',
    required: true,
    description,
    schema: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    read: (request) => positiveIdParam(fromPath(request, name), name),
  }),
};

/** Query parameters; each is optional, and present but empty counts as absent. */
export const queryParams = {
  int: (
    name: string,
    description: string,
    bounds: { min: number; max: number },
  ): ParamSpec<number | undefined> => ({
    name,
    in: 'query',
    required: false,
    description,
    schema: Type.Integer({ minimum: bounds.min, maximum: bounds.max }),
    read: (request) => intParam(fromQuery(request, name), name, bounds),
  }),
  /** A page size: bounded, with a default when absent. */
  limit: (bounds: { min: number; max: number; default: number }): ParamSpec<number> => ({
    name: 'limit',
    in: 'query',
    required: false,
    description: `How many items at most (default ${bounds.default}).`,
    schema: Type.Integer({ minimum: bounds.min, maximum: bounds.max, default: bounds.default }),
    read: (request) => intParam(fromQuery(request, 'limit'), 'limit', bounds) ?? bounds.default,
  }),
  word: (name: string, description: string): ParamSpec<string | undefined> => ({
    name,
    in: 'query',
    required: false,
    description,
    schema: Type.String({ pattern: WORD.source }),
    read: (request) => {
      const raw = fromQuery(request, name);
      return raw === undefined ? undefined : wordParam(raw, name);
    },
  }),
  words: (name: string, description: string): ParamSpec<string | undefined> => ({
    name,
    in: 'query',
    required: false,
    description,
    schema: Type.String({ pattern: '^[A-Za-z0-9_]{1,64}(?:,[A-Za-z0-9_]{1,64})*$' }),
    read: (request) => {
      const raw = fromQuery(request, name);
      return raw === undefined ? undefined : wordListParam(raw, name);
    },
  }),
  id: (name: string, description: string): ParamSpec<string | undefined> => ({
    name,
    in: 'query',
    required: false,
    description,
    schema: Type.String({ pattern: ID_SCHEMA.pattern, maxLength: 128 }),
    read: (request) => {
      const raw = fromQuery(request, name);
      return raw === undefined ? undefined : idParam(raw, name);
    },
  }),
  flag: (name: string, description: string): ParamSpec<boolean> => ({
    name,
    in: 'query',
    required: false,
    description,
    schema: Type.Boolean({ default: false }),
    read: (request) => flagParam(fromQuery(request, name), name),
  }),
  cursor: (name: string, description: string): ParamSpec<string | undefined> => ({
    name,
    in: 'query',
    required: false,
    description,
    schema: Type.String({ pattern: '^[A-Za-z0-9_-]+$' }),
    read: (request) => cursorParam(fromQuery(request, name), name),
  }),
};
