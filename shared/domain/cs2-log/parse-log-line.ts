/**
 * One CS2 server log line to canonical events (DESIGN.md section 4).
 *
 * ```
 * line    := prefix body                       prefix: see log-line-prefix.ts
 * body    := player-line | "World triggered " … | "Team " … | "MatchStatus: " … | "rcon from " …
 *          | "Starting Freeze period" | "Loading map " … | "Game Over: " … | "JSON_BEGIN{" | …
 * player-line := player [pos] verb …           player: see log-player-token.ts; pos := "[x y z]"
 * ```
 * Dispatch is on the first character of the body, then on the verb with `startsWith`, and values
 * are read in place: a line costs no regular expression on the hot paths (damage, kills, money,
 * pickups, rcon).
 *
 * Round boundaries: CS2 logs `World triggered "Round_Start"` when the freeze time ends, and that
 * line starts the round (`round_start`, then `round_freeze_end` at the same time). `Starting
 * Freeze period` cannot: on a restart the server prints it before `Match_Start`, which resets the
 * match, so a round started there would be lost. The result line (`Team "X" triggered
 * "SFUI_Notice_…" (CT "n") (T "n")`) becomes `round_end`; `World triggered "Round_End"` only
 * repeats it.
 *
 * Lines that the server prints twice for one fact are emitted once (see {@link LogParseState}):
 * an rcon `mp_pause_match` and its `Match pause is enabled` echo, an rcon `mp_restartgame` and its
 * `Restart_Round_` trigger, an rcon backup restore and its `Match_Reloaded` and draw lines.
 */
import type { EventOf, GameEvent, PlayingSide, RoundEndReason, Side, Vec3 } from '../events/index.ts';
import { type LogLinePrefix, readLogLinePrefix } from './log-line-prefix.ts';
import { ECHO_WINDOW_MS, type LogParseContext, type LogParseState, noBomb } from './log-parse-context.ts';
import { LogPlayerToken, sideOfTeam } from './log-player-token.ts';
import { MAX_ROUND_STATS_BLOCK_LINES, parseRoundStatsBlock } from './round-stats-block.ts';

/** An assist line: it names no event of its own but completes the `player_death` just before it. */
export interface KillAssist {
  ts: number;
  assister: string;
  victim: string;
  /** `flash-assisted killing`: the assister's flash blinded the victim. */
  flash: boolean;
}

/** What one line says. */
export type ParsedLine =
  /** One or more canonical events, in the order they happened. */
  | { kind: 'events'; events: GameEvent[] }
  /** An assist, to merge into the preceding kill of the same victim (the stream parser does). */
  | { kind: 'assist'; assist: KillAssist }
  /** The line was taken into an open multi-line block (round_stats). */
  | { kind: 'pending' }
  /** A known line that carries no catalog event (cvars, pickups, echoes of a command, …). */
  | { kind: 'ignored'; reason: string }
  /** A line this parser does not know. */
  | { kind: 'unknown'; reason: string }
  /** A line that is not a valid log line, or a known form with unreadable values. */
  | { kind: 'malformed'; reason: string };

type Outcome<K extends ParsedLine['kind']> = Readonly<Extract<ParsedLine, { kind: K }>>;

const ignored = (reason: string): Outcome<'ignored'> => Object.freeze({ kind: 'ignored', reason });
const malformed = (reason: string): Outcome<'malformed'> => Object.freeze({ kind: 'malformed', reason });

const PENDING: Outcome<'pending'> = Object.freeze({ kind: 'pending' });
const UNKNOWN: Outcome<'unknown'> = Object.freeze({ kind: 'unknown', reason: 'unrecognised line' });
const NO_PREFIX = malformed('no timestamp prefix (MM/DD/YYYY - HH:MM:SS)');
const BAD_PLAYER_LINE = malformed('player line with unreadable values');
const IGNORE = {
  cvar: ignored('server cvar'),
  noSteamId: ignored('player without a SteamID (Console, STEAM_ID_PENDING)'),
  propKill: ignored('prop kill (killed other): not a player death'),
  inventory: ignored('inventory change (picked up, dropped, left buyzone): not in the catalog'),
  grenadeDebug: ignored('grenade trajectory debug line'),
  validated: ignored('SteamID validation'),
  entered: ignored('entered the game: player_connect comes from the connected line'),
  nameChange: ignored('name change: not in the catalog'),
  bombCarrier: ignored('bomb carrier or plant/defuse attempt: not in the catalog'),
  roundEndTrigger: ignored('World Round_End: the SFUI_Notice result line carries the round end'),
  teamScored: ignored('team score line: the SFUI_Notice result line carries the score'),
  matchStatus: ignored('MatchStatus score line: the SFUI_Notice result line carries the score'),
  teamNamesUnchanged: ignored('team names unchanged'),
  teamNameHalf: ignored('team name of one side: team_names waits for the other side'),
  rcon: ignored('rcon command without a catalog event'),
  pauseEcho: ignored('pause change already emitted from its rcon command'),
  restartEcho: ignored('restart already emitted from its rcon command'),
  restoreEcho: ignored('backup restore already emitted from its rcon command'),
  reloaded: ignored('Match_Reloaded: backup_restore follows from the draw line'),
  draw: ignored('World round draw outside a backup restore: round_end needs a winning side'),
  molotov: ignored('molotov projectile debug line'),
  freezeStart: ignored('freeze time begins: the round starts at its end (World Round_Start)'),
  mapStarted: ignored('map started line: map_start comes from Loading map'),
  logFile: ignored('log file start or end'),
  accolade: ignored('end-of-match accolade'),
} as const;
const BLOCK_END_ALONE = malformed('}}JSON_END without JSON_BEGIN{');
const BLOCK_TOO_LONG = malformed(`round_stats block longer than ${MAX_ROUND_STATS_BLOCK_LINES} lines`);

// A Map, not an object literal: the notice is the log's text, and `SFUI_Notice_constructor` must
// find nothing rather than Object's constructor.
const ROUND_END_REASONS: ReadonlyMap<string, RoundEndReason> = new Map([
  ['Target_Bombed', 'target_bombed'],
  ['Bomb_Defused', 'bomb_defused'],
  ['CTs_Win', 'ct_win'],
  ['Terrorists_Win', 't_win'],
  ['Target_Saved', 'target_saved'],
  ['Round_Draw', 'draw'],
  ['Game_Commencing', 'game_commencing'],
  ['CTs_Surrender', 'ct_surrender'],
  ['Terrorists_Surrender', 't_surrender'],
]);

const QUOTE = 34;
const SPACE = 32;
const BRACKET = 91;

// Scratch readers, reused line after line: parsing is synchronous, so one of each is enough.
const prefix: LogLinePrefix = { ts: 0, bodyStart: 0 };
const subject = new LogPlayerToken();
const object = new LogPlayerToken();
/** Index just past the last value read by `readVec` / `readInt`. */
let cursor = 0;

/**
 * Parses one log line (either prefix; without its trailing newline).
 *
 * @param context the server's UTC offset and the state carried between lines; updated in place,
 *   so give every line of one server to the same context, in order.
 */
export function parseLogLine(line: string, context: LogParseContext): ParsedLine {
  if (!readLogLinePrefix(line, context.utcOffsetMinutes, prefix)) return NO_PREFIX;
  const ts = prefix.ts;
  const at = prefix.bodyStart;
  const state = context.state;
  if (state.jsonBlock !== null) {
    const inBlock = continueJsonBlock(line, at, state);
    if (inBlock !== null) return inBlock;
  }
  switch (line.charCodeAt(at)) {
    case QUOTE:
      return parsePlayerLine(line, at, ts, state);
    case 87 /* W */:
      return line.startsWith('World triggered "', at) ? parseWorldTrigger(line, at + 17, ts, state) : UNKNOWN;
    case 84 /* T */:
      return parseTeamLine(line, at, ts, state);
    case 77 /* M */:
      return parseMLine(line, at, ts, state);
    case 114 /* r */:
      return line.startsWith('rcon from "', at) ? parseRcon(line, at, ts, state) : UNKNOWN;
    case 83 /* S */:
      if (line.startsWith('Starting Freeze period', at)) return IGNORE.freezeStart;
      return line.startsWith('Started', at) ? IGNORE.mapStarted : UNKNOWN;
    case 76 /* L */:
      if (line.startsWith('Loading map "', at)) return parseLoadingMap(line, at + 13, ts, state);
      return line.startsWith('Log file ', at) ? IGNORE.logFile : UNKNOWN;
    case 71 /* G */:
      return line.startsWith('Game Over: ', at) ? parseGameOver(line, at, ts) : UNKNOWN;
    case 74 /* J */:
      if (!line.startsWith('JSON_BEGIN{', at)) return UNKNOWN;
      state.jsonBlock = { ts, lines: [] };
      return PENDING;
    case 65 /* A */:
      return line.startsWith('ACCOLADE', at) ? IGNORE.accolade : UNKNOWN;
    case 115 /* s */:
      return line.startsWith('server cvars ', at) || line.startsWith('server_cvar: ', at)
        ? IGNORE.cvar
        : UNKNOWN;
    case 125 /* } */:
      return line.startsWith('}}JSON_END', at) ? BLOCK_END_ALONE : UNKNOWN;
    default:
      return UNKNOWN;
  }
}

function one(event: GameEvent): ParsedLine {
  return { kind: 'events', events: [event] };
}

// ---------------------------------------------------------------------------------------------
// round_stats blocks

/**
 * A line while a block is open: a `"key" : …` line joins it, `}}JSON_END` closes it. Any other
 * line means the block was cut short: it is dropped and the line parsed as usual (`null`).
 */
function continueJsonBlock(line: string, at: number, state: LogParseState): ParsedLine | null {
  const block = state.jsonBlock;
  if (block === null) return null;
  if (line.startsWith('}}JSON_END', at)) {
    state.jsonBlock = null;
    const result = parseRoundStatsBlock(block.lines, block.ts);
    return result.kind === 'event' ? one(result.event) : result;
  }
  if (isBlockEntry(line, at)) {
    if (block.lines.length >= MAX_ROUND_STATS_BLOCK_LINES) {
      state.jsonBlock = null;
      return BLOCK_TOO_LONG;
    }
    block.lines.push(line.slice(at));
    return PENDING;
  }
  state.jsonBlock = null;
  return null;
}

/** `"key" : …` (a player token has `<` before its closing quote, a block key has none). */
function isBlockEntry(line: string, at: number): boolean {
  if (line.charCodeAt(at) !== QUOTE) return false;
  const keyEnd = line.indexOf('"', at + 1);
  if (keyEnd < 0 || line.lastIndexOf('<', keyEnd) > at) return false;
  let i = keyEnd + 1;
  while (line.charCodeAt(i) === SPACE) i++;
  return line.charCodeAt(i) === 58 /* : */;
}

// ---------------------------------------------------------------------------------------------
// player lines

function parsePlayerLine(line: string, at: number, ts: number, state: LogParseState): ParsedLine {
  if (!subject.read(line, at)) {
    // The cvar dump at map start: `"sv_cheats" = "false"`.
    return line.indexOf('" = "', at) > 0 ? IGNORE.cvar : UNKNOWN;
  }
  let i = subject.end;
  if (line.charCodeAt(i) !== SPACE) return UNKNOWN;
  i++;
  const steamId = subject.steamId;
  if (line.charCodeAt(i) === BRACKET) return parsePositionedLine(line, i, ts);
  switch (line.charCodeAt(i)) {
    case 97 /* a */:
      return line.startsWith('assisted killing ', i) ? parseAssist(line, i + 17, ts, false) : UNKNOWN;
    case 102 /* f */:
      return line.startsWith('flash-assisted killing ', i) ? parseAssist(line, i + 23, ts, true) : UNKNOWN;
    case 112 /* p */:
      if (line.startsWith('purchased "', i)) return parsePurchase(line, i + 11, ts, state);
      return line.startsWith('picked up "', i) ? IGNORE.inventory : UNKNOWN;
    case 109 /* m */:
      return line.startsWith('money change ', i) ? parseMoneyChange(line, i + 13, ts, state) : UNKNOWN;
    case 108 /* l */:
      return line.startsWith('left buyzone', i) ? IGNORE.inventory : UNKNOWN;
    case 100 /* d */:
      if (line.startsWith('dropped "', i)) return IGNORE.inventory;
      if (!line.startsWith('disconnected', i)) return UNKNOWN;
      if (steamId === null) return IGNORE.noSteamId;
      return parseDisconnect(line, i + 12, ts, steamId);
    case 116 /* t */:
      if (line.startsWith('threw ', i)) return parseThrow(line, i + 6, ts);
      return line.startsWith('triggered "', i) ? parsePlayerTrigger(line, i + 11, ts, state) : UNKNOWN;
    case 98 /* b */:
      return line.startsWith('blinded for ', i) ? parseBlind(line, i + 12, ts) : UNKNOWN;
    case 115 /* s */:
      if (line.startsWith('say "', i)) return parseChat(line, i + 5, ts, false);
      if (line.startsWith('say_team "', i)) return parseChat(line, i + 10, ts, true);
      if (line.startsWith('switched from team <', i)) return parseTeamSwitch(line, i + 20, ts);
      return line.startsWith('sv_throw_', i) ? IGNORE.grenadeDebug : UNKNOWN;
    case 99 /* c */:
      if (line.startsWith('connected, address', i)) {
        return steamId === null
          ? IGNORE.noSteamId
          : one({ type: 'player_connect', ts, steamId, name: subject.name() });
      }
      return line.startsWith('changed name to "', i) ? IGNORE.nameChange : UNKNOWN;
    case 101 /* e */:
      return line.startsWith('entered the game', i) ? IGNORE.entered : UNKNOWN;
    case 83 /* S */:
      return line.startsWith('STEAM USERID validated', i) ? IGNORE.validated : UNKNOWN;
    default:
      return UNKNOWN;
  }
}

/** `<player> [x y z] killed|attacked|committed suicide with|was killed by the bomb …` */
function parsePositionedLine(line: string, i: number, ts: number): ParsedLine {
  const subjectPos = readVec(line, i);
  if (subjectPos === null || line.charCodeAt(cursor) !== SPACE) return BAD_PLAYER_LINE;
  const verb = cursor + 1;
  if (line.startsWith('attacked "', verb)) return parseAttack(line, verb + 9, ts, subjectPos);
  if (line.startsWith('killed ', verb)) {
    if (line.startsWith('other "', verb + 7)) return IGNORE.propKill;
    return parseKill(line, verb + 7, ts, subjectPos);
  }
  const victim = subject.steamId;
  if (line.startsWith('committed suicide with "', verb)) {
    if (victim === null) return IGNORE.noSteamId;
    const weaponStart = verb + 24;
    const weaponEnd = line.indexOf('"', weaponStart);
    if (weaponEnd < 0) return BAD_PLAYER_LINE;
    const weapon = line.slice(weaponStart, weaponEnd);
    // A death by the world (falling, the map) has no attacker; by one's own grenade, oneself.
    const death: EventOf<'player_death'> =
      weapon === 'world'
        ? { type: 'player_death', ts, victim, weapon, victimPos: subjectPos }
        : {
            type: 'player_death',
            ts,
            attacker: victim,
            victim,
            weapon,
            attackerPos: subjectPos,
            victimPos: subjectPos,
          };
    return one(death);
  }
  if (line.startsWith('was killed by the bomb', verb)) {
    if (victim === null) return IGNORE.noSteamId;
    return one({ type: 'player_death', ts, victim, weapon: 'planted_c4', victimPos: subjectPos });
  }
  return UNKNOWN;
}

/** `"victim" [x y z] with "weapon" (headshot penetrated) (throughsmoke) …` */
function parseKill(line: string, i: number, ts: number, attackerPos: Vec3): ParsedLine {
  if (!object.read(line, i) || line.charCodeAt(object.end) !== SPACE) return BAD_PLAYER_LINE;
  const victimPos = readVec(line, object.end + 1);
  if (victimPos === null || !line.startsWith(' with "', cursor)) return BAD_PLAYER_LINE;
  const weaponStart = cursor + 7;
  const weaponEnd = line.indexOf('"', weaponStart);
  if (weaponEnd < 0) return BAD_PLAYER_LINE;
  const attacker = subject.steamId;
  const victim = object.steamId;
  if (attacker === null || victim === null) return IGNORE.noSteamId;
  // Modifiers follow the weapon in one or more parentheses; none of them occurs in a weapon name.
  const hasModifiers = weaponEnd + 1 < line.length;
  return one({
    type: 'player_death',
    ts,
    attacker,
    victim,
    weapon: line.slice(weaponStart, weaponEnd),
    headshot: hasModifiers && line.includes('headshot', weaponEnd),
    penetrated: hasModifiers && line.includes('penetrated', weaponEnd),
    noscope: hasModifiers && line.includes('noscope', weaponEnd),
    thrusmoke: hasModifiers && line.includes('throughsmoke', weaponEnd),
    attackerBlind: hasModifiers && line.includes('attackerblind', weaponEnd),
    attackerPos,
    victimPos,
  });
}

/** `"victim" [x y z] with "weapon" (damage "d") (damage_armor "a") (health "h") (armor "r") (hitgroup "g")` */
function parseAttack(line: string, i: number, ts: number, attackerPos: Vec3): ParsedLine {
  if (!object.read(line, i) || line.charCodeAt(object.end) !== SPACE) return BAD_PLAYER_LINE;
  const victimPos = readVec(line, object.end + 1);
  if (victimPos === null || !line.startsWith(' with "', cursor)) return BAD_PLAYER_LINE;
  const weaponStart = cursor + 7;
  const weaponEnd = line.indexOf('"', weaponStart);
  if (weaponEnd < 0) return BAD_PLAYER_LINE;
  const dmgHealth = readTaggedInt(line, weaponEnd + 1, ' (damage "');
  const dmgArmor = readTaggedInt(line, cursor, ' (damage_armor "');
  const health = readTaggedInt(line, cursor, ' (health "');
  const armor = readTaggedInt(line, cursor, ' (armor "');
  if (Number.isNaN(dmgHealth + dmgArmor + health + armor) || !line.startsWith(' (hitgroup "', cursor)) {
    return BAD_PLAYER_LINE;
  }
  const hitgroupStart = cursor + 12;
  const hitgroupEnd = line.indexOf('"', hitgroupStart);
  if (hitgroupEnd < 0) return BAD_PLAYER_LINE;
  const victim = object.steamId;
  if (victim === null) return IGNORE.noSteamId;
  const attacker = subject.steamId;
  const hurt: EventOf<'player_hurt'> = {
    type: 'player_hurt',
    ts,
    victim,
    weapon: line.slice(weaponStart, weaponEnd),
    dmgHealth,
    dmgArmor,
    health,
    armor,
    hitgroup: line.slice(hitgroupStart, hitgroupEnd),
    attackerPos,
    victimPos,
  };
  if (attacker !== null) hurt.attacker = attacker;
  return one(hurt);
}

/** `"victim"` after `assisted killing ` / `flash-assisted killing `. */
function parseAssist(line: string, i: number, ts: number, flash: boolean): ParsedLine {
  if (!object.read(line, i)) return BAD_PLAYER_LINE;
  const assister = subject.steamId;
  const victim = object.steamId;
  if (assister === null || victim === null) return IGNORE.noSteamId;
  return { kind: 'assist', assist: { ts, assister, victim, flash } };
}

/** `<secs> by "attacker" from flashbang entindex <n>` */
function parseBlind(line: string, i: number, ts: number): ParsedLine {
  const by = line.indexOf(' by "', i);
  if (by < 0) return BAD_PLAYER_LINE;
  const duration = Number(line.slice(i, by));
  if (!(duration >= 0) || !object.read(line, by + 4)) return BAD_PLAYER_LINE;
  const victim = subject.steamId;
  if (victim === null) return IGNORE.noSteamId;
  const blind: EventOf<'player_blind'> = { type: 'player_blind', ts, victim, duration };
  if (object.steamId !== null) blind.attacker = object.steamId;
  return one(blind);
}

/** `<grenade> [x y z]` (a flashbang adds ` flashbang entindex <n>)`). */
function parseThrow(line: string, i: number, ts: number): ParsedLine {
  const space = line.indexOf(' ', i);
  if (space < 0 || space === i) return BAD_PLAYER_LINE;
  const pos = readVec(line, space + 1);
  const steamId = subject.steamId;
  if (pos === null) return BAD_PLAYER_LINE;
  if (steamId === null) return IGNORE.noSteamId;
  return one({ type: 'grenade_thrown', ts, steamId, grenade: line.slice(i, space), pos });
}

/** `<trigger>"[ at bombsite <site>]` after `<player> triggered "`. */
function parsePlayerTrigger(line: string, i: number, ts: number, state: LogParseState): ParsedLine {
  const steamId = subject.steamId;
  if (line.startsWith('Planted_The_Bomb"', i)) {
    if (steamId === null) return IGNORE.noSteamId;
    const siteAt = line.indexOf(' at bombsite ', i + 17);
    const site = siteAt < 0 ? null : line.slice(siteAt + 13).trim() || null;
    state.bomb = { ...noBomb(), site };
    return one(
      site === null ? { type: 'bomb_planted', ts, steamId } : { type: 'bomb_planted', ts, steamId, site },
    );
  }
  if (line.startsWith('Defused_The_Bomb"', i)) {
    if (steamId === null) return IGNORE.noSteamId;
    return one(bombDefused(ts, steamId, state));
  }
  if (line.startsWith('Begin_Bomb_Defuse_With', i)) {
    if (steamId !== null) state.bomb.defuser = steamId;
    return IGNORE.bombCarrier;
  }
  if (
    line.startsWith('Got_The_Bomb"', i) ||
    line.startsWith('Dropped_The_Bomb"', i) ||
    line.startsWith('Bomb_Begin_Plant"', i)
  ) {
    return IGNORE.bombCarrier;
  }
  return UNKNOWN;
}

/** `<item>"` after `purchased "`; the cost comes from the `money change` line just before. */
function parsePurchase(line: string, i: number, ts: number, state: LogParseState): ParsedLine {
  const end = line.indexOf('"', i);
  const steamId = subject.steamId;
  if (end <= i) return BAD_PLAYER_LINE;
  if (steamId === null) return IGNORE.noSteamId;
  const item = line.slice(i, end);
  const purchase: EventOf<'item_purchase'> = { type: 'item_purchase', ts, steamId, item };
  const last = state.lastPurchase;
  // The money line names the item as the game does (`weapon_ak47`, `item_kevlar`); this one drops `weapon_`.
  if (
    last !== null &&
    last.steamId === steamId &&
    last.item.endsWith(item) &&
    (last.item.length === item.length ||
      (last.item.length === item.length + 7 && last.item.startsWith('weapon_')))
  ) {
    purchase.cost = last.cost;
    state.lastPurchase = null;
  }
  return one(purchase);
}

/** `<before>±<delta> = $<after> (tracked)[ (purchase: <item>)]` */
function parseMoneyChange(line: string, i: number, ts: number, state: LogParseState): ParsedLine {
  readInt(line, i);
  const sign = line.charCodeAt(cursor);
  if (cursor === i || (sign !== 43 /* + */ && sign !== 45) /* - */) return BAD_PLAYER_LINE;
  const delta = readInt(line, cursor + 1);
  if (!line.startsWith(' = $', cursor)) return BAD_PLAYER_LINE;
  const money = readInt(line, cursor + 4);
  if (Number.isNaN(delta + money)) return BAD_PLAYER_LINE;
  const steamId = subject.steamId;
  if (steamId === null) return IGNORE.noSteamId;
  const purchaseAt = line.indexOf('(purchase: ', cursor);
  if (purchaseAt > 0 && sign === 45) {
    const itemEnd = line.indexOf(')', purchaseAt + 11);
    state.lastPurchase = {
      steamId,
      item: line.slice(purchaseAt + 11, itemEnd < 0 ? undefined : itemEnd),
      cost: delta,
    };
  }
  return one({ type: 'economy', ts, players: [{ steamId, money }] });
}

/** `<text>"` after `say "` / `say_team "`; the text is kept as written (zero-width characters too). */
function parseChat(line: string, i: number, ts: number, teamOnly: boolean): ParsedLine {
  const end = line.lastIndexOf('"');
  const steamId = subject.steamId;
  if (end < i) return BAD_PLAYER_LINE;
  if (steamId === null) return IGNORE.noSteamId;
  return one({ type: 'chat', ts, steamId, text: line.slice(i, end), teamOnly });
}

/** `<from>> to <<to>>` after `switched from team <`. */
function parseTeamSwitch(line: string, i: number, ts: number): ParsedLine {
  const to = line.indexOf('> to <', i);
  const end = to < 0 ? -1 : line.indexOf('>', to + 6);
  if (end < 0) return BAD_PLAYER_LINE;
  const side: Side | undefined = sideOfTeam(line, to + 6, end);
  const steamId = subject.steamId;
  if (side === undefined) return BAD_PLAYER_LINE;
  if (steamId === null) return IGNORE.noSteamId;
  return one({ type: 'player_team', ts, steamId, side });
}

/** `[ (reason "<reason>")]` after `disconnected`. */
function parseDisconnect(line: string, i: number, ts: number, steamId: string): ParsedLine {
  const reasonAt = line.indexOf('(reason "', i);
  if (reasonAt < 0) return one({ type: 'player_disconnect', ts, steamId });
  const end = line.lastIndexOf('"');
  return one({
    type: 'player_disconnect',
    ts,
    steamId,
    reason: line.slice(reasonAt + 9, end > reasonAt + 8 ? end : undefined),
  });
}

// ---------------------------------------------------------------------------------------------
// world, team and match lines

/** `<event>"[ on "<map>"][ (CT "<n>") (T "<n>")]` after `World triggered "`. */
function parseWorldTrigger(line: string, i: number, ts: number, state: LogParseState): ParsedLine {
  const end = line.indexOf('"', i);
  if (end < 0) return malformed('World trigger without a closing quote');
  switch (line.slice(i, end)) {
    case 'Round_Start':
      state.bomb = noBomb();
      return {
        kind: 'events',
        events: [
          { type: 'round_start', ts },
          { type: 'round_freeze_end', ts },
        ],
      };
    case 'Round_End':
      return IGNORE.roundEndTrigger;
    case 'Match_Start':
      state.teamNames = null;
      return one({ type: 'match_start', ts });
    case 'Warmup_Start':
      return one({ type: 'warmup_start', ts });
    case 'Warmup_End':
      return one({ type: 'warmup_end', ts });
    case 'Round_Official_End':
    case 'Round_Officially_Ended':
      return one({ type: 'round_officially_ended', ts });
    case 'Game_Commencing':
    case 'SFUI_Notice_Game_Commencing':
      // The game restarts itself once the first players have joined.
      return one(restartEvent(ts, state));
    case 'Match_Reloaded':
      if (withinEcho(state.restoreEchoTs, ts)) return IGNORE.restoreEcho;
      state.reloadedTs = ts;
      return IGNORE.reloaded;
    case 'Target_Bombed':
      return one(bombExploded(ts, state));
    case 'SFUI_Notice_Round_Draw':
      return parseWorldDraw(line, end + 1, ts, state);
    default:
      if (line.startsWith('Restart_Round_', i)) {
        if (withinEcho(state.restartEchoTs, ts)) {
          state.restartEchoTs = null;
          return IGNORE.restartEcho;
        }
        return one(restartEvent(ts, state));
      }
      return UNKNOWN;
  }
}

/**
 * A draw with no winning side: how CS2 logs the score a backup restore rolled back to. After an
 * rcon restore it repeats what was emitted; after a `Match_Reloaded` alone (a vote) its score
 * gives the restored round. Any other world draw has no winner for `round_end`.
 */
function parseWorldDraw(line: string, i: number, ts: number, state: LogParseState): ParsedLine {
  if (withinEcho(state.restoreEchoTs, ts)) {
    state.restoreEchoTs = null;
    return IGNORE.restoreEcho;
  }
  if (withinEcho(state.reloadedTs, ts)) {
    state.reloadedTs = null;
    const score = readScore(line, i);
    if (score === null) return malformed('round draw without a score');
    return one({ type: 'backup_restore', ts, round: score.ct + score.t });
  }
  return IGNORE.draw;
}

/** `Team "<side>" triggered "…" (CT "n") (T "n")`, `Team "<side>" scored …`, `Team playing "<side>": <name>` */
function parseTeamLine(line: string, at: number, ts: number, state: LogParseState): ParsedLine {
  if (line.startsWith('Team playing "', at)) return parseTeamName(line, at + 14, ts, state);
  if (!line.startsWith('Team "', at)) return UNKNOWN;
  const teamEnd = line.indexOf('"', at + 6);
  if (teamEnd < 0) return malformed('team line without a closing quote');
  if (line.startsWith(' scored "', teamEnd + 1)) return IGNORE.teamScored;
  if (!line.startsWith(' triggered "', teamEnd + 1)) return UNKNOWN;
  const winner = sideOfTeam(line, at + 6, teamEnd);
  const triggerStart = teamEnd + 13;
  const triggerEnd = line.indexOf('"', triggerStart);
  if (triggerEnd < 0) return malformed('team trigger without a closing quote');
  const score = readScore(line, triggerEnd + 1);
  if (winner !== 'CT' && winner !== 'T')
    return malformed('round result for a team that is not CT or TERRORIST');
  if (score === null) return malformed('round result without (CT "n") (T "n")');
  // CS2 writes `SFUI_Notice_CTs_Win`; CS:GO and older wrote `CTs_Win`.
  const noticeAt = line.startsWith('SFUI_Notice_', triggerStart) ? triggerStart + 12 : triggerStart;
  const notice = line.slice(noticeAt, triggerEnd);
  const reason = ROUND_END_REASONS.get(notice);
  if (reason === undefined)
    return { kind: 'unknown', reason: `round end reason ${notice} is not in the catalog` };
  if (reason === 'draw' && (withinEcho(state.restoreEchoTs, ts) || withinEcho(state.reloadedTs, ts))) {
    return parseWorldDraw(line, triggerEnd + 1, ts, state);
  }
  const roundEnd = roundEndEvent(ts, winner, reason, score);
  const bomb = state.bomb;
  if (reason === 'target_bombed' && !bomb.exploded) {
    return { kind: 'events', events: [bombExploded(ts, state), roundEnd] };
  }
  if (reason === 'bomb_defused' && !bomb.defused && bomb.defuser !== null) {
    return { kind: 'events', events: [bombDefused(ts, bomb.defuser, state), roundEnd] };
  }
  return one(roundEnd);
}

function roundEndEvent(
  ts: number,
  winner: PlayingSide,
  reason: RoundEndReason,
  score: { ct: number; t: number },
): GameEvent {
  return { type: 'round_end', ts, winner, reason, scoreCT: score.ct, scoreT: score.t };
}

function bombExploded(ts: number, state: LogParseState): GameEvent {
  const site = state.bomb.site;
  state.bomb.exploded = true;
  return site === null ? { type: 'bomb_exploded', ts } : { type: 'bomb_exploded', ts, site };
}

function bombDefused(ts: number, steamId: string, state: LogParseState): GameEvent {
  const site = state.bomb.site;
  state.bomb.defused = true;
  return site === null ? { type: 'bomb_defused', ts, steamId } : { type: 'bomb_defused', ts, steamId, site };
}

/** `<side>": <name>` after `Team playing "`; a `team_names` once both sides are known and changed. */
function parseTeamName(line: string, i: number, ts: number, state: LogParseState): ParsedLine {
  const sideEnd = line.indexOf('": ', i);
  if (sideEnd < 0) return malformed('team name line without `": `');
  const side = sideOfTeam(line, i, sideEnd);
  if (side !== 'CT' && side !== 'T') return malformed('team name for a side that is not CT or TERRORIST');
  const name = line.slice(sideEnd + 3).trim();
  const pending = state.pendingTeamNames;
  if (side === 'CT') pending.ct = name;
  else pending.t = name;
  if (pending.ct === null || pending.t === null) return IGNORE.teamNameHalf;
  const names = { ct: pending.ct, t: pending.t };
  state.pendingTeamNames = { ct: null, t: null };
  if (state.teamNames !== null && state.teamNames.ct === names.ct && state.teamNames.t === names.t) {
    return IGNORE.teamNamesUnchanged;
  }
  state.teamNames = names;
  return one({ type: 'team_names', ts, ct: names.ct, t: names.t });
}

/** `MatchStatus: …`, `Match pause is enabled|disabled - <reason>`, `Molotov projectile spawned …` */
function parseMLine(line: string, at: number, ts: number, state: LogParseState): ParsedLine {
  if (line.startsWith('MatchStatus: ', at)) {
    if (line.startsWith('Team playing "', at + 13)) return parseTeamName(line, at + 27, ts, state);
    return line.startsWith('Score: ', at + 13) ? IGNORE.matchStatus : UNKNOWN;
  }
  if (line.startsWith('Match pause is enabled', at)) return serverPause(line, at + 22, ts, state, true);
  if (line.startsWith('Match pause is disabled', at)) return serverPause(line, at + 23, ts, state, false);
  return line.startsWith('Molotov projectile spawned', at) ? IGNORE.molotov : UNKNOWN;
}

/** The server's own pause line: authoritative, unless it echoes an rcon command already emitted. */
function serverPause(line: string, i: number, ts: number, state: LogParseState, paused: boolean): ParsedLine {
  const echo = state.pauseEcho;
  state.pauseEcho = null;
  if (echo !== null && echo.paused === paused && withinEcho(echo.ts, ts)) return IGNORE.pauseEcho;
  state.paused = paused;
  if (!paused) return one({ type: 'unpause', ts });
  const reason = line.startsWith(' - ', i) ? line.slice(i + 3).trim() : '';
  return one(pauseEvent(ts, reason));
}

/**
 * The pause of a server reason: `TimeOutTs`/`TimeOutCTs` (a team's tactical timeout),
 * `mp_pause_match` (an admin), a technical pause, `mp_halftime_pausematch`.
 */
function pauseEvent(ts: number, reason: string): EventOf<'pause'> {
  const side: PlayingSide | undefined = reason.endsWith('CTs')
    ? 'CT'
    : reason.endsWith('Ts')
      ? 'T'
      : undefined;
  let kind = reason;
  if (reason === 'mp_pause_match' || reason === '') kind = 'admin';
  else if (reason.startsWith('TimeOut')) kind = 'tactical';
  else if (/tech/i.test(reason)) kind = 'technical';
  else if (reason === 'mp_halftime_pausematch') kind = 'halftime';
  return side === undefined ? { type: 'pause', ts, kind } : { type: 'pause', ts, kind, side };
}

/** `rcon from "<addr>": command "<cmd>[; <cmd>…]"`: the commands that change the match. */
function parseRcon(line: string, at: number, ts: number, state: LogParseState): ParsedLine {
  const commandAt = line.indexOf('": command "', at + 11);
  const end = line.lastIndexOf('"');
  if (commandAt < 0 || end < commandAt + 12) return malformed('rcon line without a quoted command');
  // Most rcon traffic is status polling: skip it before splitting anything.
  if (line.indexOf('mp_', commandAt + 12) < 0) return IGNORE.rcon;
  const events: GameEvent[] = [];
  for (const statement of line.slice(commandAt + 12, end).split(';')) {
    const command = statement.trim();
    const space = command.indexOf(' ');
    const name = space < 0 ? command : command.slice(0, space);
    const argument = space < 0 ? '' : command.slice(space + 1).trim();
    switch (name) {
      case 'mp_pause_match':
        if (!state.paused) {
          state.paused = true;
          state.pauseEcho = { paused: true, ts };
          events.push({ type: 'pause', ts, kind: 'admin' });
        }
        break;
      case 'mp_unpause_match':
        if (state.paused) {
          state.paused = false;
          state.pauseEcho = { paused: false, ts };
          events.push({ type: 'unpause', ts });
        }
        break;
      case 'mp_restartgame':
        // `mp_restartgame 0` does nothing; n >= 1 restarts in n seconds.
        if (Number(argument) >= 1) {
          events.push(restartEvent(ts, state));
          state.restartEchoTs = ts;
        }
        break;
      case 'mp_backup_restore_load_file': {
        const round = /round(\d+)/i.exec(argument);
        if (round) {
          events.push({ type: 'backup_restore', ts, round: Number(round[1]) });
          state.restoreEchoTs = ts;
          state.reloadedTs = null;
        }
        break;
      }
    }
  }
  return events.length > 0 ? { kind: 'events', events } : IGNORE.rcon;
}

/** A restart starts a clean match: the team names are emitted again for it. */
function restartEvent(ts: number, state: LogParseState): GameEvent {
  state.teamNames = null;
  return { type: 'game_restart', ts };
}

/** `<map>"` after `Loading map "`: a new map, so nothing carried over applies any more. */
function parseLoadingMap(line: string, i: number, ts: number, state: LogParseState): ParsedLine {
  const end = line.indexOf('"', i);
  if (end <= i) return malformed('Loading map without a map name');
  Object.assign(state, {
    teamNames: null,
    paused: false,
    pauseEcho: null,
    restartEchoTs: null,
    restoreEchoTs: null,
    reloadedTs: null,
    bomb: noBomb(),
    lastPurchase: null,
  } satisfies Partial<LogParseState>);
  return one({ type: 'map_start', ts, map: line.slice(i, end) });
}

/** `Game Over: <mode> [<mapgroup>] <map> score <ct>:<t> after <n> min` */
function parseGameOver(line: string, at: number, ts: number): ParsedLine {
  const score = / score (\d+):(\d+)/.exec(line.slice(at));
  if (!score) return malformed('Game Over without a score');
  return one({ type: 'match_end', ts, scoreCT: Number(score[1]), scoreT: Number(score[2]) });
}

// ---------------------------------------------------------------------------------------------
// values

function withinEcho(commandTs: number | null, ts: number): boolean {
  return commandTs !== null && ts - commandTs <= ECHO_WINDOW_MS && ts >= commandTs;
}

/** ` (CT "<n>") (T "<n>")` */
function readScore(line: string, i: number): { ct: number; t: number } | null {
  const ct = readTaggedInt(line, i, ' (CT "');
  const t = readTaggedInt(line, cursor, ' (T "');
  return Number.isNaN(ct + t) || ct < 0 || t < 0 ? null : { ct, t };
}

/** `<tag><int>")` at `i` (e.g. ` (damage "41")`); NaN when absent. Moves the cursor past `)`. */
function readTaggedInt(line: string, i: number, tag: string): number {
  if (!line.startsWith(tag, i)) return Number.NaN;
  const value = readInt(line, i + tag.length);
  if (line.charCodeAt(cursor) !== QUOTE || line.charCodeAt(cursor + 1) !== 41 /* ) */) return Number.NaN;
  cursor += 2;
  return value;
}

/** An optionally signed decimal integer at `i`; NaN when there are no digits. Moves the cursor. */
function readInt(line: string, i: number): number {
  let j = i;
  const negative = line.charCodeAt(j) === 45; /* - */
  if (negative) j++;
  const digitsStart = j;
  let value = 0;
  for (let code = line.charCodeAt(j); code >= 48 && code <= 57; code = line.charCodeAt(++j)) {
    value = value * 10 + (code - 48);
  }
  cursor = j;
  if (j === digitsStart) return Number.NaN;
  return negative ? -value : value;
}

/** `[x y z]` at `i` (integers, or decimals in some builds); `null` when malformed. Moves the cursor past `]`. */
function readVec(line: string, i: number): Vec3 | null {
  if (line.charCodeAt(i) !== BRACKET) return null;
  const x = readCoordinate(line, i + 1);
  if (line.charCodeAt(cursor) !== SPACE) return null;
  const y = readCoordinate(line, cursor + 1);
  if (line.charCodeAt(cursor) !== SPACE) return null;
  const z = readCoordinate(line, cursor + 1);
  if (line.charCodeAt(cursor) !== 93 /* ] */ || Number.isNaN(x + y + z)) return null;
  cursor++;
  return [x, y, z];
}

function readCoordinate(line: string, i: number): number {
  const integer = readInt(line, i);
  if (line.charCodeAt(cursor) !== 46 /* . */) return integer;
  let j = cursor + 1;
  while (line.charCodeAt(j) >= 48 && line.charCodeAt(j) <= 57) j++;
  cursor = j;
  return Number(line.slice(i, j));
}
