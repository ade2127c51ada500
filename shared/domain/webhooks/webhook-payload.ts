/**
 * Tolerant readers for MatchZy and get5 webhook payloads (`fixtures/webhooks/*-event_schema.yml`).
 *
 * The payloads are untrusted JSON, and the real ones differ from their schema
 * (`fixtures/webhooks/matchzy-notes.md`): MatchZy's `matchid` is a number where get5's is a string,
 * and a side can be a CS2 team number (`"2"` = T, `"3"` = CT) as well as `"ct"` / `"t"`. Each
 * reader accepts every form seen and returns `null` for anything else, so the mapper decides what
 * a missing value means.
 */
import type { PlayingSide } from '../events/index.ts';

/** A JSON object from a payload. */
export type JsonObject = Record<string, unknown>;

/** `team1` / `team2`: the two teams of a MatchZy or get5 match config. */
export type TeamSlot = 'team1' | 'team2';

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `key`, or `null`. */
export function objectAt(payload: JsonObject, key: string): JsonObject | null {
  const value = payload[key];
  return isJsonObject(value) ? value : null;
}

/** A non-empty string at `key` (trimmed), or `null`. */
export function stringAt(payload: JsonObject, key: string): string | null {
  const value = payload[key];
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** An integer at `key`, written as a number or as decimal digits, or `null`. */
export function intAt(payload: JsonObject, key: string): number | null {
  return readInt(payload[key]);
}

/** An integer written as a number or as decimal digits (MatchZy writes some numbers as strings). */
export function readInt(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : null;
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return null;
}

/** A non-negative finite number at `key`, or `null`. */
export function numberAt(payload: JsonObject, key: string): number | null {
  const value = payload[key];
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    const parsed = Number(value);
    return parsed >= 0 ? parsed : null;
  }
  return null;
}

/** `true` only for a JSON `true` (or `"true"` / `1`, which some forks write). */
export function flagAt(payload: JsonObject, key: string): boolean {
  const value = payload[key];
  return value === true || value === 'true' || value === 1;
}

/**
 * The match id as a string: MatchZy sends a number (a C# `long`), get5 a string. `null` when
 * missing, empty or not an id (MatchZy uses `-1` for "no match loaded").
 */
export function readMatchId(payload: JsonObject): string | null {
  const value = payload.matchid;
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? String(value) : null;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' || trimmed === '-1' ? null : trimmed.slice(0, 128);
  }
  return null;
}

/**
 * A playing side from any form servers send: `"ct"` / `"t"` (the schemas), the CS2 team number
 * `3` / `2` as a number or a string (MatchZy's `Winner.ToString()`), or `"CT"` / `"TERRORIST"`.
 * `null` for spectators, `"0"`, `null` and anything else.
 */
export function readSide(value: unknown): PlayingSide | null {
  if (value === 3) return 'CT';
  if (value === 2) return 'T';
  if (typeof value !== 'string') return null;
  switch (value.trim().toLowerCase()) {
    case '3':
    case 'ct':
    case 'counterterrorist':
    case 'counter-terrorist':
      return 'CT';
    case '2':
    case 't':
    case 'terrorist':
      return 'T';
    default:
      return null;
  }
}

/** `team1` / `team2`, or `null` (spectators, none, anything else). */
export function readTeamSlot(value: unknown): TeamSlot | null {
  return value === 'team1' || value === 'team2' ? value : null;
}

/** The other team. */
export function otherSlot(slot: TeamSlot): TeamSlot {
  return slot === 'team1' ? 'team2' : 'team1';
}

/** The other side. */
export function otherSide(side: PlayingSide): PlayingSide {
  return side === 'CT' ? 'T' : 'CT';
}

const STEAM_ID64 = /^7656\d{13}$/;

/**
 * The catalog id of a player object (`{steamid, name, is_bot, …}`): the SteamID64; `BOT:<name>`
 * for a bot (get5 writes `BOT-<user id>`, which changes on every reconnect, so the name is the
 * stabler key, as in the CS2 log); `null` for Console, GOTV and anything without an id.
 */
export function readPlayerId(player: JsonObject | null): string | null {
  if (player === null) return null;
  const steamId = stringAt(player, 'steamid') ?? stringAt(player, 'steam_id');
  const name = stringAt(player, 'name');
  if (steamId !== null && STEAM_ID64.test(steamId)) return steamId;
  const isBot = flagAt(player, 'is_bot') || (steamId?.toUpperCase().startsWith('BOT') ?? false);
  if (isBot && name !== null) return `BOT:${name.replace(/^BOT\s+/i, '')}`;
  return null;
}
