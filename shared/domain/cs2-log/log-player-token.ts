/**
 * The player token of a CS2 log line, read in place.
 *
 * ```
 * player := '"' name '<' slot '>' '<' id '>' [ '<' team '>' ] '"'
 * id     := '[U:1:' accountId ']' | 'BOT' | 'STEAM_' x ':' y ':' z | 'STEAM_ID_PENDING' | 'Console'
 * team   := 'CT' | 'TERRORIST' | 'Spectator' | 'Unassigned' | '' | 'Console'   (absent on team switches)
 * ```
 * A name may hold any character, `<` and `"` included, so the name ends at the first `<digits><`
 * (the slot), not at the first `<`. Names are kept exactly as written (zero-width characters too).
 */
import type { Side } from '../events/index.ts';
import { accountIdFromDigits, logSteamIdToSteamId64 } from './steam-id.ts';

const QUOTE = 34;
const LESS = 60;
const GREATER = 62;

/**
 * A reusable reader for one player token: parsing a line fills it instead of allocating, and the
 * name is only sliced out when an event needs it.
 */
export class LogPlayerToken {
  /** SteamID64, `BOT:<name>` for bots, `null` for ids that name no player (Console, pending). */
  steamId: string | null = null;
  /** The side in the token; `undefined` when the token has no team or an empty one. */
  side: Side | undefined = undefined;
  /** Index just past the closing quote. */
  end = 0;
  private line = '';
  private nameStart = 0;
  private nameEnd = 0;

  /** Reads the token whose opening quote is at `start`; `false` when there is none. */
  read(line: string, start: number): boolean {
    if (line.charCodeAt(start) !== QUOTE) return false;
    let slotStart = start + 1;
    let slotEnd: number;
    for (;;) {
      slotStart = line.indexOf('<', slotStart);
      if (slotStart < 0) return false;
      slotEnd = slotStart + 1;
      while (isDigit(line.charCodeAt(slotEnd))) slotEnd++;
      if (
        slotEnd > slotStart + 1 &&
        line.charCodeAt(slotEnd) === GREATER &&
        line.charCodeAt(slotEnd + 1) === LESS
      ) {
        break;
      }
      slotStart++;
    }
    const idStart = slotEnd + 2;
    const idEnd = line.indexOf('>', idStart);
    if (idEnd < 0) return false;
    let next = idEnd + 1;
    let side: Side | undefined;
    if (line.charCodeAt(next) === LESS) {
      const teamEnd = line.indexOf('>', next + 1);
      if (teamEnd < 0) return false;
      side = sideOfTeam(line, next + 1, teamEnd);
      next = teamEnd + 1;
    }
    if (line.charCodeAt(next) !== QUOTE) return false;
    this.line = line;
    this.nameStart = start + 1;
    this.nameEnd = slotStart;
    this.side = side;
    this.end = next + 1;
    this.steamId = readId(line, idStart, idEnd, this);
    return true;
  }

  /** The player's name as written in the log. */
  name(): string {
    return this.line.slice(this.nameStart, this.nameEnd);
  }
}

function readId(line: string, idStart: number, idEnd: number, token: LogPlayerToken): string | null {
  if (line.startsWith('[U:1:', idStart) && line.charCodeAt(idEnd - 1) === 93 /* ] */) {
    return accountIdFromDigits(line, idStart + 5, idEnd - 1);
  }
  if (idEnd - idStart === 3 && line.startsWith('BOT', idStart)) return `BOT:${token.name()}`;
  if (line.startsWith('STEAM_', idStart)) return logSteamIdToSteamId64(line.slice(idStart, idEnd));
  return null;
}

/**
 * The catalog side of a log team name in `line[start, end)`: CT, TERRORIST, Spectator and
 * Unassigned map to CT, T, SPEC, SPEC; anything else (empty, Console) to `undefined`.
 */
export function sideOfTeam(line: string, start: number, end: number): Side | undefined {
  switch (end - start) {
    case 2:
      return line.startsWith('CT', start) ? 'CT' : undefined;
    case 9:
      if (line.startsWith('TERRORIST', start)) return 'T';
      return line.startsWith('Spectator', start) ? 'SPEC' : undefined;
    case 10:
      return line.startsWith('Unassigned', start) ? 'SPEC' : undefined;
    default:
      return undefined;
  }
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
