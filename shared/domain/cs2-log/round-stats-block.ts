/**
 * The server's `round_stats` table: a multi-line block of the CS2 log, each line with its own
 * timestamp prefix. The body is JSON-like but not JSON (no commas between players, numbers in
 * strings), so it is read line by line:
 * ```
 * JSON_BEGIN{
 * "name": "round_stats",
 * "round_number" : "15",
 * "score_t" : "12",
 * "score_ct" : "2",
 * "map" : "de_inferno",
 * "server" : "<host name>",
 * "fields" : "   accountid,   team,  money,  kills, …"      (absent while no player is on a team)
 * "players" : {
 * "player_1" : "   91379634,      2,   4050,      9, …"      (values in `fields` order)
 * }}JSON_END
 * ```
 * Team numbers are the engine's: 2 = T, 3 = CT, 1 = spectator, 0 = unassigned.
 */
import { type EventOf, OBJECT_PROTOTYPE_NAMES, type Side } from '../events/index.ts';
import { accountIdToSteamId64 } from './steam-id.ts';

/** A block turned into an event, or why it could not be. */
export type RoundStatsBlockResult =
  | { kind: 'event'; event: EventOf<'server_round_stats'> }
  | { kind: 'ignored'; reason: string }
  | { kind: 'malformed'; reason: string };

/** How many lines a block may hold before it is given up as unterminated (64 players + header). */
export const MAX_ROUND_STATS_BLOCK_LINES = 96;

const ENTRY = /^"([^"]+)"\s*:\s*(?:"(.*)"|(\{))\s*,?\s*$/;
// A Map, not an object literal: the team column is the log's text, and `team` "constructor" must
// find nothing rather than Object's constructor.
const SIDE_OF_TEAM_NUMBER: ReadonlyMap<string, Side> = new Map([
  ['0', 'SPEC'],
  ['1', 'SPEC'],
  ['2', 'T'],
  ['3', 'CT'],
]);

/**
 * Reads the body lines of one block (between `JSON_BEGIN{` and `}}JSON_END`, prefixes removed).
 *
 * @param ts time of the `JSON_BEGIN{` line (epoch ms).
 */
export function parseRoundStatsBlock(bodyLines: readonly string[], ts: number): RoundStatsBlockResult {
  const header = new Map<string, string>();
  const rows: string[] = [];
  let inPlayers = false;
  for (const bodyLine of bodyLines) {
    const entry = ENTRY.exec(bodyLine.trim());
    if (!entry) {
      if (inPlayers && bodyLine.trim() === '}') continue;
      return { kind: 'malformed', reason: `round_stats: unreadable line ${JSON.stringify(bodyLine)}` };
    }
    const [, key = '', value, opensSection] = entry;
    if (opensSection) {
      inPlayers = key === 'players';
    } else if (inPlayers) {
      rows.push(value ?? '');
    } else {
      header.set(key, value ?? '');
    }
  }
  const name = header.get('name');
  if (name !== 'round_stats')
    return { kind: 'ignored', reason: `server JSON block "${name}" is not round_stats` };
  const round = toCount(header.get('round_number'));
  const scoreCT = toCount(header.get('score_ct'));
  const scoreT = toCount(header.get('score_t'));
  if (round === null || scoreCT === null || scoreT === null) {
    return { kind: 'malformed', reason: 'round_stats: round_number, score_ct or score_t missing' };
  }
  const fields = (header.get('fields') ?? '').split(',').map((field) => field.trim());
  // The stats of a player are an object keyed by these names: `__proto__` would vanish from it
  // and `toString` would shadow a method. CS2 has no such field; a block that has one is not its.
  const foreign = fields.find((field) => OBJECT_PROTOTYPE_NAMES.has(field));
  if (foreign !== undefined) {
    return {
      kind: 'malformed',
      reason: `round_stats: field "${foreign}" is a name every JavaScript object has`,
    };
  }
  const accountColumn = fields.indexOf('accountid');
  const teamColumn = fields.indexOf('team');
  if (rows.length > 0 && accountColumn < 0) {
    return { kind: 'malformed', reason: 'round_stats: players without an accountid field' };
  }
  const players: EventOf<'server_round_stats'>['players'] = [];
  for (const row of rows) {
    const values = row.split(',');
    if (values.length !== fields.length) {
      return {
        kind: 'malformed',
        reason: `round_stats: ${values.length} values for ${fields.length} fields`,
      };
    }
    const accountId = Number(values[accountColumn]);
    // Slot 0 is the server's empty placeholder row.
    if (accountId === 0) continue;
    if (!Number.isInteger(accountId) || accountId < 0 || accountId > 0xffff_ffff) {
      return { kind: 'malformed', reason: `round_stats: bad account id ${values[accountColumn]}` };
    }
    const stats: Record<string, number> = {};
    for (let column = 0; column < fields.length; column++) {
      if (column === accountColumn || column === teamColumn) continue;
      const number = Number(values[column]);
      if (!Number.isFinite(number)) {
        return { kind: 'malformed', reason: `round_stats: ${fields[column]} is not a number` };
      }
      stats[fields[column] ?? ''] = number;
    }
    const side = teamColumn < 0 ? undefined : SIDE_OF_TEAM_NUMBER.get((values[teamColumn] ?? '').trim());
    const steamId = accountIdToSteamId64(accountId);
    players.push(side === undefined ? { steamId, stats } : { steamId, side, stats });
  }
  const event: EventOf<'server_round_stats'> = {
    type: 'server_round_stats',
    ts,
    round,
    scoreCT,
    scoreT,
    players,
  };
  const map = header.get('map');
  const server = header.get('server');
  if (map !== undefined) event.map = map;
  if (server !== undefined) event.server = server;
  return { kind: 'event', event };
}

function toCount(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,6}$/.test(text)) return null;
  return Number(text);
}
