/**
 * What numbers the catalog accepts, in one table: every integer and coordinate of an event has a
 * range the store, `Date` and the statistics can hold. A value outside it is refused at the edge
 * (`SCHEMA`), so no frame that the store would refuse is ever acked (a `ts` of 9e15 made `Date`
 * throw, one past year 9999 made the insert a syntax error: the worker retried it for ever).
 *
 * Numbers no field names (extra fields, unknown event types) are held to the general rule of
 * `storable-value.ts`: finite, and no integer beyond 2^53.
 */

const DAY_MS = 86_400_000;

/** The earliest `ts` and `sentAt` accepted: 2000-01-01T00:00Z (CS2 logs replayed from 2020 pass). */
export const EARLIEST_EVENT_TS = Date.UTC(2000, 0, 1);
/**
 * The latest `ts` accepted anywhere, clock or not: 2100-01-01T00:00Z. Far inside what `Date`
 * (±8.64e15) and PostgreSQL's `timestamptz` (year 294276) hold.
 */
export const LATEST_EVENT_TS = Date.UTC(2100, 0, 1);
/** How far ahead of the receiving clock a frame's `sentAt`, or an event's `ts`, may be (a server's clock may run fast). */
export const MAX_CLOCK_AHEAD_MS = DAY_MS;
/**
 * How far an event's `ts` may be from its frame's `sentAt`, either way. A plugin sends events
 * within seconds; a replay and the log route date a frame by one of its own events. So a frame
 * of old events (a replayed 2020 log) passes, but one frame cannot spread its events over many
 * days (each day a partition, before partitions were bounded).
 */
export const MAX_EVENT_SPREAD_MS = DAY_MS;

/**
 * The bounds of each kind of number, inclusive. One table, so a reader sees every limit at once;
 * the catalog's schemas take theirs from here.
 */
export const FIELD_BOUNDS = {
  /**
   * `ts`: epoch ms, checked everywhere (a JSON-lines file, a frame the worker reads). Ingest holds
   * it tighter, from {@link EARLIEST_EVENT_TS} and near the frame's `sentAt` and the clock.
   */
  ts: { minimum: 0, maximum: LATEST_EVENT_TS },
  /** `tick`: the server's int32 tick counter (at 128 ticks/s, six months of uptime). */
  tick: { minimum: 0, maximum: 2_147_483_647 },
  /** `scoreCT`, `scoreT` (round_end, match_end, server_round_stats). */
  score: { minimum: 0, maximum: 10_000 },
  /** `round` (backup_restore, server_round_stats). */
  round: { minimum: 0, maximum: 10_000 },
  /** `health`, `armor` (player_hurt, positions): plugins may set far more than 100. */
  health: { minimum: 0, maximum: 1_000_000 },
  /**
   * `dmgHealth`, `dmgArmor` (player_hurt). Signed: a sender computing armor before minus after
   * reports armor bought back mid-fight as negative damage (the synthetic match does); only the
   * size is bounded.
   */
  damage: { minimum: -1_000_000, maximum: 1_000_000 },
  /** `money`, `equipValue` (economy), `cost` (item_purchase). */
  money: { minimum: 0, maximum: 1_000_000 },
  /** `penetrated` when a count (player_death). */
  count: { minimum: 0, maximum: 1_000 },
  /** `duration` in seconds (player_blind). */
  seconds: { minimum: 0, maximum: 3_600 },
  /** Each of `pos`, `attackerPos`, `victimPos` `[x,y,z]`, and `yaw` (maps span about ±16,384 units). */
  coordinate: { minimum: -1_000_000, maximum: 1_000_000 },
  /** Each figure of a `server_round_stats` player's `stats` (money, kills, adr, kdr…). */
  stat: { minimum: -1_000_000_000, maximum: 1_000_000_000 },
  /** A frame's `seq` (a `bigint` column; 2^53 − 1 is the largest exact JavaScript integer). */
  seq: { minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
} as const;
