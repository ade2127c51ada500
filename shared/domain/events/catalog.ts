/**
 * The event catalog (DESIGN.md section 4): one definition used by the wire codec, the JSON-lines
 * file format, the CS2 log parser's output and the stored rows.
 *
 * Each event is defined once as a TypeBox schema; the TypeScript types are derived from it, and
 * the codec compiles the same schemas into validators. Extra fields are allowed (a newer plugin
 * may send more than this version knows); unknown event *types* are kept by the codec as
 * {@link UnknownEvent} and flagged, never rejected.
 */
import { type Static, type TObject, type TProperties, Type } from '@sinclair/typebox';
import { FIELD_BOUNDS } from './field-bounds.ts';

/**
 * The names every JavaScript object has (`constructor`, `__proto__`, `toString`…). A player id is
 * a key of the match state's maps, where one of these would reach `Object.prototype`: a plugin
 * sending `steamId: "__proto__"` gave every object of the worker thread a `name` and a `side`.
 */
export const OBJECT_PROTOTYPE_NAMES: ReadonlySet<string> = new Set(
  Object.getOwnPropertyNames(Object.prototype),
);

/** SteamID64 as a decimal string; bots are `BOT:<name>`. Never one of {@link OBJECT_PROTOTYPE_NAMES}. */
export const SteamId = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: `^(?!(?:${[...OBJECT_PROTOTYPE_NAMES].join('|')})$)`,
});
export const Side = Type.Union([Type.Literal('CT'), Type.Literal('T'), Type.Literal('SPEC')]);
export type Side = Static<typeof Side>;
/** The two sides that play rounds. */
export type PlayingSide = 'CT' | 'T';
const Coordinate = Type.Number(FIELD_BOUNDS.coordinate);
export const Vec3 = Type.Tuple([Coordinate, Coordinate, Coordinate]);
export type Vec3 = Static<typeof Vec3>;

export const ROUND_END_REASONS = [
  'target_bombed',
  'bomb_defused',
  'ct_win',
  't_win',
  'target_saved',
  'draw',
  'game_commencing',
  'ct_surrender',
  't_surrender',
] as const;
export const RoundEndReason = Type.Union(ROUND_END_REASONS.map((reason) => Type.Literal(reason)));
export type RoundEndReason = (typeof ROUND_END_REASONS)[number];

const PlayingSideSchema = Type.Union([Type.Literal('CT'), Type.Literal('T')]);
const Str = Type.String({ maxLength: 4096 });
const Opt = Type.Optional;
const Score = Type.Integer(FIELD_BOUNDS.score);
const Round = Type.Integer(FIELD_BOUNDS.round);
const Health = Type.Integer(FIELD_BOUNDS.health);
const Damage = Type.Integer(FIELD_BOUNDS.damage);
const Money = Type.Integer(FIELD_BOUNDS.money);

/** Fields every event carries: `ts` is epoch ms on the server clock; `tick` is optional for log-derived events. */
function event<T extends string, P extends TProperties>(type: T, fields: P) {
  return Type.Object({
    type: Type.Literal(type),
    ts: Type.Integer(FIELD_BOUNDS.ts),
    tick: Opt(Type.Integer(FIELD_BOUNDS.tick)),
    ...fields,
  });
}

// flow
export const MapStart = event('map_start', { map: Str });
export const WarmupStart = event('warmup_start', {});
export const WarmupEnd = event('warmup_end', {});
export const MatchStart = event('match_start', {});
export const GameRestart = event('game_restart', {});
export const RoundStart = event('round_start', {});
export const RoundFreezeEnd = event('round_freeze_end', {});
export const RoundEnd = event('round_end', {
  winner: PlayingSideSchema,
  reason: RoundEndReason,
  scoreCT: Score,
  scoreT: Score,
});
export const RoundOfficiallyEnded = event('round_officially_ended', {});
export const Halftime = event('halftime', {});
export const MatchEnd = event('match_end', {
  scoreCT: Score,
  scoreT: Score,
});
/** `kind`: tactical, technical, admin (free text accepted). */
export const Pause = event('pause', { kind: Opt(Str), side: Opt(Side) });
export const Unpause = event('unpause', {});
export const BackupRestore = event('backup_restore', { round: Round });
export const TeamNames = event('team_names', { ct: Str, t: Str });

// players
export const PlayerConnect = event('player_connect', { steamId: SteamId, name: Str });
export const PlayerDisconnect = event('player_disconnect', { steamId: SteamId, reason: Opt(Str) });
export const PlayerTeam = event('player_team', { steamId: SteamId, side: Side });
export const PlayerSpawn = event('player_spawn', { steamId: SteamId, side: Opt(Side) });
export const PlayerPosition = Type.Object({
  steamId: SteamId,
  pos: Vec3,
  yaw: Opt(Coordinate),
  health: Opt(Health),
  armor: Opt(Health),
  alive: Opt(Type.Boolean()),
  weapon: Opt(Str),
});
export type PlayerPosition = Static<typeof PlayerPosition>;
export const Positions = event('positions', { players: Type.Array(PlayerPosition, { maxItems: 64 }) });
export const PlayerFootstep = event('player_footstep', { steamId: SteamId, pos: Vec3 });
export const Chat = event('chat', { steamId: SteamId, text: Str, teamOnly: Opt(Type.Boolean()) });

// combat
export const PlayerHurt = event('player_hurt', {
  attacker: Opt(SteamId),
  victim: SteamId,
  weapon: Str,
  dmgHealth: Damage,
  dmgArmor: Opt(Damage),
  health: Health,
  armor: Opt(Health),
  hitgroup: Opt(Str),
  attackerPos: Opt(Vec3),
  victimPos: Opt(Vec3),
});
export const PlayerDeath = event('player_death', {
  attacker: Opt(SteamId),
  victim: SteamId,
  assister: Opt(SteamId),
  assistedFlash: Opt(Type.Boolean()),
  weapon: Str,
  headshot: Opt(Type.Boolean()),
  /** Number of surfaces penetrated (the game reports a count; some sources send a boolean). */
  penetrated: Opt(Type.Union([Type.Integer(FIELD_BOUNDS.count), Type.Boolean()])),
  noscope: Opt(Type.Boolean()),
  thrusmoke: Opt(Type.Boolean()),
  attackerBlind: Opt(Type.Boolean()),
  attackerPos: Opt(Vec3),
  victimPos: Opt(Vec3),
});
export const WeaponFire = event('weapon_fire', { steamId: SteamId, weapon: Str, pos: Opt(Vec3) });
export const PlayerBlind = event('player_blind', {
  attacker: Opt(SteamId),
  victim: SteamId,
  duration: Type.Number(FIELD_BOUNDS.seconds),
});

// utility and objective
export const GrenadeThrown = event('grenade_thrown', { steamId: SteamId, grenade: Str, pos: Opt(Vec3) });
export const GrenadeDetonate = event('grenade_detonate', { steamId: SteamId, grenade: Str, pos: Opt(Vec3) });
export const BombPlanted = event('bomb_planted', { steamId: SteamId, site: Opt(Str) });
export const BombDefused = event('bomb_defused', { steamId: SteamId, site: Opt(Str) });
export const BombExploded = event('bomb_exploded', { site: Opt(Str) });
export const ItemPurchase = event('item_purchase', { steamId: SteamId, item: Str, cost: Opt(Money) });
export const Economy = event('economy', {
  players: Type.Array(Type.Object({ steamId: SteamId, money: Money, equipValue: Opt(Money) }), {
    maxItems: 64,
  }),
});

// CS2 server log only
/**
 * The server's own `round_stats` table, as the CS2 log prints it in a `JSON_BEGIN{ … }}JSON_END`
 * block when each round is set up. `round` is the round about to be played (1-based) and
 * `scoreCT`/`scoreT` the score before it; every player's `stats` are cumulative for the map, keyed
 * by the server's field names (`money`, `kills`, `deaths`, `assists`, `dmg`, `hsp`, `kdr`, `adr`,
 * `mvp`, `ef`, `ud`, `3k`, `4k`, `5k`, `clutchk`, `firstk`, `pistolk`, `sniperk`, `blindk`, `bombk`,
 * `firedmg`, `uniquek`, `dinks`, `chickenk`, …). Kept as the server's own figures to check ours
 * against; empty slots (account id 0) are left out.
 */
export const ServerRoundStats = event('server_round_stats', {
  round: Round,
  scoreCT: Score,
  scoreT: Score,
  map: Opt(Str),
  server: Opt(Str),
  players: Type.Array(
    Type.Object({
      steamId: SteamId,
      side: Opt(Side),
      stats: Type.Record(Type.String({ maxLength: 64 }), Type.Number(FIELD_BOUNDS.stat)),
    }),
    { maxItems: 64 },
  ),
});

/** Every known event schema, keyed by its `type`. */
export const EVENT_SCHEMAS = {
  map_start: MapStart,
  warmup_start: WarmupStart,
  warmup_end: WarmupEnd,
  match_start: MatchStart,
  game_restart: GameRestart,
  round_start: RoundStart,
  round_freeze_end: RoundFreezeEnd,
  round_end: RoundEnd,
  round_officially_ended: RoundOfficiallyEnded,
  halftime: Halftime,
  match_end: MatchEnd,
  pause: Pause,
  unpause: Unpause,
  backup_restore: BackupRestore,
  team_names: TeamNames,
  player_connect: PlayerConnect,
  player_disconnect: PlayerDisconnect,
  player_team: PlayerTeam,
  player_spawn: PlayerSpawn,
  positions: Positions,
  player_footstep: PlayerFootstep,
  chat: Chat,
  player_hurt: PlayerHurt,
  player_death: PlayerDeath,
  weapon_fire: WeaponFire,
  player_blind: PlayerBlind,
  grenade_thrown: GrenadeThrown,
  grenade_detonate: GrenadeDetonate,
  bomb_planted: BombPlanted,
  bomb_defused: BombDefused,
  bomb_exploded: BombExploded,
  item_purchase: ItemPurchase,
  economy: Economy,
  server_round_stats: ServerRoundStats,
} as const satisfies Record<string, TObject>;

export type EventType = keyof typeof EVENT_SCHEMAS;
export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as EventType[];

/** A known event, narrowed by `type`. */
export type GameEvent = { [K in EventType]: Static<(typeof EVENT_SCHEMAS)[K]> }[EventType];
/** The event of one type, e.g. `EventOf<'player_death'>`. */
export type EventOf<K extends EventType> = Extract<GameEvent, { type: K }>;

/**
 * An event whose type this version does not know. It is stored raw and flagged
 * (`unknown_type`), never rejected, so a newer plugin loses nothing.
 */
export interface UnknownEvent {
  type: string;
  ts: number;
  tick?: number;
  unknown: true;
  [field: string]: unknown;
}

/** What the codec hands the domain: a known, validated event or an unknown one kept as is. */
export type AnyEvent = GameEvent | UnknownEvent;

export function isKnownEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_SCHEMAS, type);
}

export function isKnownEvent(event: AnyEvent): event is GameEvent {
  return !('unknown' in event && event.unknown === true);
}
