/**
 * get5's per-player live events (MatchZy's schema has none of these; some forks send the same
 * shapes): kills, the bomb, chat, connections, grenades. Each maps to the catalog event of the
 * same meaning; a payload that names no player where one is required carries nothing.
 *
 * ```
 * player_death        {player: victim, attacker?, assist?: {player, flash_assist}, weapon: {name},
 *                      headshot, penetrated, thru_smoke, no_scope, attacker_blind, suicide}
 * bomb_planted        {player, site: "a" | "b"}          bomb_defused {player, site}
 * bomb_exploded       {site}
 * player_connect      {player}                           player_disconnect {player}
 * player_say          {player, command: "say" | "say_team", message}
 * grenade_thrown      {player, weapon}                   *_detonated {player, weapon, victims?}
 * ```
 */
import type { AnyEvent, EventOf } from '../events/index.ts';
import {
  flagAt,
  intAt,
  isJsonObject,
  type JsonObject,
  numberAt,
  objectAt,
  readPlayerId,
  stringAt,
} from './webhook-payload.ts';

/** The events of one live payload, or why it has none. */
export type LiveMapping = { ok: true; events: AnyEvent[] } | { ok: false; reason: string };

const NO_PLAYER: LiveMapping = Object.freeze({ ok: false, reason: 'names no player with a SteamID' });

/** `player_death`: the victim is `player`; suicides are written as the CS2 log writes them. */
export function mapPlayerDeath(payload: JsonObject, ts: number): LiveMapping {
  const victim = readPlayerId(objectAt(payload, 'player'));
  if (victim === null) return NO_PLAYER;
  const weapon =
    stringAt(objectAt(payload, 'weapon') ?? {}, 'name') ?? (flagAt(payload, 'bomb') ? 'planted_c4' : 'world');
  const death: EventOf<'player_death'> = { type: 'player_death', ts, victim, weapon };
  // A fall or the map ('world') has no attacker; one's own grenade is one's own kill.
  const suicide = flagAt(payload, 'suicide');
  const attacker = suicide
    ? weapon === 'world'
      ? null
      : victim
    : readPlayerId(objectAt(payload, 'attacker'));
  if (attacker !== null) death.attacker = attacker;
  const assist = objectAt(payload, 'assist');
  const assister = assist === null ? null : readPlayerId(objectAt(assist, 'player'));
  if (assist !== null && assister !== null && assister !== victim) {
    death.assister = assister;
    death.assistedFlash = flagAt(assist, 'flash_assist');
  }
  if (flagAt(payload, 'headshot')) death.headshot = true;
  const penetrated = intAt(payload, 'penetrated');
  if (penetrated !== null && penetrated > 0) death.penetrated = penetrated;
  if (flagAt(payload, 'thru_smoke')) death.thrusmoke = true;
  if (flagAt(payload, 'no_scope')) death.noscope = true;
  if (flagAt(payload, 'attacker_blind')) death.attackerBlind = true;
  return { ok: true, events: [death] };
}

/** `bomb_planted` / `bomb_defused`, by the player; the site as the CS2 log writes it (`A`, `B`). */
export function mapBombByPlayer(
  type: 'bomb_planted' | 'bomb_defused',
  payload: JsonObject,
  ts: number,
): LiveMapping {
  const steamId = readPlayerId(objectAt(payload, 'player'));
  if (steamId === null) return NO_PLAYER;
  const site = siteOf(payload);
  const event: EventOf<'bomb_planted' | 'bomb_defused'> =
    type === 'bomb_planted' ? { type, ts, steamId } : { type, ts, steamId };
  if (site !== null) event.site = site;
  return { ok: true, events: [event] };
}

export function mapBombExploded(payload: JsonObject, ts: number): LiveMapping {
  const site = siteOf(payload);
  return {
    ok: true,
    events: [site === null ? { type: 'bomb_exploded', ts } : { type: 'bomb_exploded', ts, site }],
  };
}

export function mapPlayerConnection(
  type: 'player_connect' | 'player_disconnect',
  payload: JsonObject,
  ts: number,
): LiveMapping {
  const player = objectAt(payload, 'player');
  const steamId = readPlayerId(player);
  if (steamId === null || player === null) return NO_PLAYER;
  if (type === 'player_disconnect') return { ok: true, events: [{ type, ts, steamId }] };
  return {
    ok: true,
    events: [{ type, ts, steamId, name: (stringAt(player, 'name') ?? steamId).slice(0, 4096) }],
  };
}

/** `player_say`: `say_team` is team chat. */
export function mapPlayerSay(payload: JsonObject, ts: number): LiveMapping {
  const steamId = readPlayerId(objectAt(payload, 'player'));
  const text = typeof payload.message === 'string' ? payload.message.slice(0, 4096) : null;
  if (steamId === null) return NO_PLAYER;
  if (text === null) return { ok: false, reason: 'player_say without a message' };
  return {
    ok: true,
    events: [{ type: 'chat', ts, steamId, text, teamOnly: payload.command === 'say_team' }],
  };
}

/** `grenade_thrown`. */
export function mapGrenadeThrown(payload: JsonObject, ts: number): LiveMapping {
  const steamId = readPlayerId(objectAt(payload, 'player'));
  if (steamId === null) return NO_PLAYER;
  return { ok: true, events: [{ type: 'grenade_thrown', ts, steamId, grenade: grenadeOf(payload) }] };
}

/**
 * A grenade going off (`hegrenade_detonated`, `flashbang_detonated`, `molotov_detonated`,
 * `smokegrenade_detonated`, `decoygrenade_started`); a flashbang's victims become `player_blind`.
 */
export function mapGrenadeDetonated(payload: JsonObject, ts: number): LiveMapping {
  const steamId = readPlayerId(objectAt(payload, 'player'));
  if (steamId === null) return NO_PLAYER;
  const events: AnyEvent[] = [{ type: 'grenade_detonate', ts, steamId, grenade: grenadeOf(payload) }];
  const victims = Array.isArray(payload.victims) ? payload.victims : [];
  for (const entry of victims) {
    if (!isJsonObject(entry)) continue;
    const duration = numberAt(entry, 'blind_duration');
    const victim = readPlayerId(objectAt(entry, 'player'));
    if (duration === null || victim === null) continue;
    events.push({ type: 'player_blind', ts, attacker: steamId, victim, duration });
  }
  return { ok: true, events };
}

function grenadeOf(payload: JsonObject): string {
  return (stringAt(objectAt(payload, 'weapon') ?? {}, 'name') ?? 'unknown').slice(0, 4096);
}

function siteOf(payload: JsonObject): string | null {
  const site = stringAt(payload, 'site');
  return site === null ? null : site.toUpperCase().slice(0, 16);
}
