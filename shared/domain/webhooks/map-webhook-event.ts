/**
 * One MatchZy or get5 webhook payload (`fixtures/webhooks/*-event_schema.yml`) to canonical events
 * (DESIGN.md section 4). Pure: the payload, the state the earlier payloads of the match left and
 * the time the payload arrived (webhooks carry no time of their own) go in; events and the next
 * state come out.
 *
 * | payload `event`                         | canonical events                                         |
 * |-----------------------------------------|----------------------------------------------------------|
 * | `series_start`, `series_end`            | `series_start`, `series_end` (no catalog type: stored raw, flagged unknown) |
 * | `map_picked`                            | none; the map name is kept for `going_live`             |
 * | `going_live`                            | `map_start` (when the map is known), `match_start`       |
 * | `round_start` (get5)                    | `round_start`                                            |
 * | `round_end`                             | `team_names`?, `round_start`?, `round_end`, `server_round_stats`? |
 * | `map_result`                            | `match_end`                                              |
 * | `game_paused`, `game_unpaused`          | `pause{kind}`, `unpause`                                 |
 * | `backup_loaded`                         | `backup_restore{round}`                                  |
 * | `player_death`, `bomb_*`, `player_say`, `player_(dis)connect`, grenades (get5) | see webhook-live-events.ts |
 *
 * Everything else (vetoes, readiness, knife round, demos, MVPs, state changes) is acknowledged and
 * carries nothing. A payload of another `matchid` starts a fresh state.
 */
import type { AnyEvent, UnknownEvent } from '../events/index.ts';
import {
  mapBombByPlayer,
  mapBombExploded,
  mapGrenadeDetonated,
  mapGrenadeThrown,
  mapPlayerConnection,
  mapPlayerDeath,
  mapPlayerSay,
} from './webhook-live-events.ts';
import { initialWebhookMatchState, type WebhookMatchState } from './webhook-match-state.ts';
import { intAt, isJsonObject, type JsonObject, objectAt, readMatchId, stringAt } from './webhook-payload.ts';
import { mapMapResult, mapRoundEnd, rememberTeams } from './webhook-round-results.ts';
import type { WebhookSource } from './webhook-source.ts';

/** What one payload became. */
export type WebhookMapping =
  /** Canonical events (possibly none) and the match state after them. */
  | { kind: 'events'; event: string; matchId: string | null; events: AnyEvent[]; state: WebhookMatchState }
  /** A known or unknown event that carries nothing canonical; the state may still have learnt from it. */
  | { kind: 'ignored'; event: string; matchId: string | null; reason: string; state: WebhookMatchState }
  /** Not a webhook payload at all (not an object, no `event`). */
  | { kind: 'invalid'; reason: string };

/** Events acknowledged on purpose, with nothing to map. */
const NOTHING_TO_MAP: Readonly<Record<string, string>> = {
  map_vetoed: 'map veto',
  side_picked: 'side pick',
  team_ready_status_changed: 'readiness',
  game_state_changed: 'plugin state',
  preload_match_config: 'match config',
  match_config_load_fail: 'match config',
  knife_start: 'knife round (not a live round)',
  knife_won: 'knife round (not a live round)',
  pause_began: 'game_paused already carries the pause',
  stats_updated: 'round_end already carries the stats',
  round_mvp: 'MVP',
  demo_finished: 'demo',
  demo_upload_ended: 'demo',
  test_event: 'connectivity test',
};

/**
 * Maps one payload.
 *
 * @param state what the earlier payloads of this server's match left ({@link initialWebhookMatchState} at first)
 * @param receivedAt when the payload arrived (epoch ms): the `ts` of its events
 */
export function mapWebhookEvent(
  source: WebhookSource,
  payload: unknown,
  state: WebhookMatchState,
  receivedAt: number,
): WebhookMapping {
  if (!isJsonObject(payload)) return { kind: 'invalid', reason: 'the body is not a JSON object' };
  const event = stringAt(payload, 'event');
  if (event === null) return { kind: 'invalid', reason: 'the payload has no "event" name' };
  const payloadMatchId = readMatchId(payload);
  // A payload of another match starts over: nothing the old match's state holds applies to it.
  const current =
    payloadMatchId !== null && payloadMatchId !== state.matchId
      ? initialWebhookMatchState(payloadMatchId)
      : state;
  const matchId = payloadMatchId ?? current.matchId;
  const ts = Math.max(0, Math.trunc(receivedAt));
  const done = (events: AnyEvent[], next: WebhookMatchState = current): WebhookMapping => ({
    kind: 'events',
    event,
    matchId,
    events,
    state: next,
  });
  const ignore = (reason: string, next: WebhookMatchState = current): WebhookMapping => ({
    kind: 'ignored',
    event,
    matchId,
    reason,
    state: next,
  });
  const live = (mapped: { ok: true; events: AnyEvent[] } | { ok: false; reason: string }) =>
    mapped.ok ? done(mapped.events) : ignore(mapped.reason);

  switch (event) {
    case 'series_start': {
      const next = structuredClone(current);
      rememberTeams(next, objectAt(payload, 'team1'), objectAt(payload, 'team2'));
      return done([seriesEvent('series_start', ts, matchId, payload, next)], next);
    }
    case 'series_end':
      return done([seriesEvent('series_end', ts, matchId, payload, current)]);
    case 'map_picked': {
      const mapNumber = intAt(payload, 'map_number');
      const mapName = stringAt(payload, 'map_name');
      if (mapNumber === null || mapName === null) return ignore('map_picked without map_number and map_name');
      const next = structuredClone(current);
      next.maps[String(mapNumber)] = mapName.slice(0, 200);
      return ignore('map pick: the name is kept for going_live', next);
    }
    case 'going_live':
      return goingLive(payload, current, ts, done);
    case 'round_start': {
      const next = { ...current, roundOpen: true };
      return done([{ type: 'round_start', ts }], next);
    }
    case 'round_end': {
      const mapped = mapRoundEnd(source, payload, current, ts);
      return mapped.ok ? done(mapped.events, mapped.state) : ignore(mapped.reason, mapped.state);
    }
    case 'map_result': {
      const mapped = mapMapResult(payload, current, ts);
      return mapped.ok ? done(mapped.events, mapped.state) : ignore(mapped.reason, mapped.state);
    }
    case 'game_paused': {
      const kind = stringAt(payload, 'pause_type');
      return done([kind === null ? { type: 'pause', ts } : { type: 'pause', ts, kind: kind.slice(0, 64) }]);
    }
    case 'game_unpaused':
      return done([{ type: 'unpause', ts }]);
    case 'backup_loaded': {
      // get5: "the round being restored to", counted from 0 = the rounds kept.
      const round = intAt(payload, 'round_number');
      if (round === null || round < 0) return ignore('backup_loaded without a round_number');
      return done([{ type: 'backup_restore', ts, round }], { ...current, roundOpen: false });
    }
    case 'player_death':
      return live(mapPlayerDeath(payload, ts));
    case 'bomb_planted':
    case 'bomb_defused':
      return live(mapBombByPlayer(event, payload, ts));
    case 'bomb_exploded':
      return live(mapBombExploded(payload, ts));
    case 'player_connect':
    case 'player_disconnect':
      return live(mapPlayerConnection(event, payload, ts));
    case 'player_say':
      return live(mapPlayerSay(payload, ts));
    case 'grenade_thrown':
      return live(mapGrenadeThrown(payload, ts));
    case 'hegrenade_detonated':
    case 'flashbang_detonated':
    case 'molotov_detonated':
    case 'smokegrenade_detonated':
    case 'decoygrenade_started':
      return live(mapGrenadeDetonated(payload, ts));
    default: {
      const known = NOTHING_TO_MAP[event];
      return ignore(
        known === undefined ? `unknown webhook event "${event.slice(0, 64)}"` : `${known}: nothing to map`,
      );
    }
  }
}

/** `going_live`: a fresh map; `map_start` needs the name a `map_picked` gave for this map number. */
function goingLive(
  payload: JsonObject,
  current: WebhookMatchState,
  ts: number,
  done: (events: AnyEvent[], next: WebhookMatchState) => WebhookMapping,
): WebhookMapping {
  const mapNumber = intAt(payload, 'map_number');
  const map = mapNumber === null ? undefined : current.maps[String(mapNumber)];
  const next: WebhookMatchState = {
    ...structuredClone(current),
    mapNumber,
    ctTeam: null,
    score: { team1: 0, team2: 0 },
    roundOpen: false,
    namesSent: null,
  };
  const events: AnyEvent[] = map === undefined ? [] : [{ type: 'map_start', ts, map }];
  events.push({ type: 'match_start', ts });
  return done(events, next);
}

/**
 * A series boundary. The catalog has no series events; kept as unknown-type events, stored raw and
 * flagged, so the series' teams and score are not lost.
 */
function seriesEvent(
  type: 'series_start' | 'series_end',
  ts: number,
  matchId: string | null,
  payload: JsonObject,
  state: WebhookMatchState,
): UnknownEvent {
  const event: UnknownEvent = { type, ts, unknown: true, matchId, team1: state.teams.team1?.name ?? null };
  event.team2 = state.teams.team2?.name ?? null;
  if (type === 'series_start') event.numMaps = intAt(payload, 'num_maps');
  else {
    event.team1SeriesScore = intAt(payload, 'team1_series_score');
    event.team2SeriesScore = intAt(payload, 'team2_series_score');
  }
  return event;
}
