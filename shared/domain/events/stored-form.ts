/**
 * The form events take in storage and on the dashboard socket. It is the canonical event
 * (section 4 of DESIGN.md) except for `positions`, which is most of the stream (8 samples a
 * second of every player): each player is one row whose numbers share a single string,
 *
 * ```
 * positions  = {type: "positions", ts, tick?, p: [row…]}
 * row        = [steamId, "x,y,z,yaw,health,armor,alive", weapon]
 *              an absent number is empty; alive is 1 or 0 (empty when absent); weapon may be null
 * ```
 *
 * PostgreSQL stores every JSON number of a `jsonb` value as its own numeric: 90 of them per
 * sample made a positions row twice the size of its text and most of the database's work. With
 * the numbers in one string a row is 3 values, and the `position_samples` view gives them back
 * as typed columns. {@link fromStoredForm} turns it back into the canonical event; it also reads
 * the rows stored before (`[steamId, x, y, z, yaw, health, armor, alive, weapon]`). Every other
 * event is stored as it is.
 */
import type { AnyEvent, EventOf, PlayerPosition } from './catalog.ts';

export type PositionRow = [steamId: string, numbers: string, weapon: string | null];

/** A row as stored before the numbers were packed: still read. */
export type LegacyPositionRow = [
  steamId: string,
  x: number,
  y: number,
  z: number,
  yaw: number | null,
  health: number | null,
  armor: number | null,
  alive: boolean | null,
  weapon: string | null,
];

export interface StoredPositions {
  type: 'positions';
  ts: number;
  tick?: number;
  p: (PositionRow | LegacyPositionRow)[];
}

/** One player's sample, as read from a stored row. */
export interface PositionSample {
  steamId: string;
  x: number;
  y: number;
  z: number;
  yaw: number | null;
  health: number | null;
  armor: number | null;
  alive: boolean | null;
  weapon: string | null;
}

const packNumber = (value: number | undefined): string => (value === undefined ? '' : String(value));

function row(player: PlayerPosition): PositionRow {
  const alive = player.alive === undefined ? '' : player.alive ? '1' : '0';
  const numbers = `${player.pos[0]},${player.pos[1]},${player.pos[2]},${packNumber(player.yaw)},${packNumber(player.health)},${packNumber(player.armor)},${alive}`;
  return [player.steamId, numbers, player.weapon ?? null];
}

const unpackNumber = (text: string | undefined): number | null => {
  if (text === undefined || text === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
};
const orNull = <T>(value: unknown, guard: (value: unknown) => value is T): T | null =>
  guard(value) ? value : null;
const isNumber = (value: unknown): value is number => typeof value === 'number';
const isString = (value: unknown): value is string => typeof value === 'string';
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';

/** A stored row (either form) as a sample; null when it is not a valid row. */
export function positionSample(stored: unknown): PositionSample | null {
  if (!Array.isArray(stored) || typeof stored[0] !== 'string') return null;
  if (stored.length === 3 && typeof stored[1] === 'string') {
    const [x, y, z, yaw, health, armor, alive] = stored[1].split(',');
    const [px, py, pz] = [unpackNumber(x), unpackNumber(y), unpackNumber(z)];
    if (px === null || py === null || pz === null) return null;
    return {
      steamId: stored[0],
      x: px,
      y: py,
      z: pz,
      yaw: unpackNumber(yaw),
      health: unpackNumber(health),
      armor: unpackNumber(armor),
      alive: alive === '1' ? true : alive === '0' ? false : null,
      weapon: orNull(stored[2], isString),
    };
  }
  if (stored.length === 9 && isNumber(stored[1]) && isNumber(stored[2]) && isNumber(stored[3])) {
    return {
      steamId: stored[0],
      x: stored[1],
      y: stored[2],
      z: stored[3],
      yaw: orNull(stored[4], isNumber),
      health: orNull(stored[5], isNumber),
      armor: orNull(stored[6], isNumber),
      alive: orNull(stored[7], isBoolean),
      weapon: orNull(stored[8], isString),
    };
  }
  return null;
}

/** The stored form of an event (a new object for `positions`, the event itself otherwise). */
export function toStoredForm(event: AnyEvent): AnyEvent | StoredPositions {
  if (event.type !== 'positions' || 'unknown' in event) return event;
  const positions = event as EventOf<'positions'>;
  return positions.tick === undefined
    ? { type: 'positions', ts: positions.ts, p: positions.players.map(row) }
    : { type: 'positions', ts: positions.ts, tick: positions.tick, p: positions.players.map(row) };
}

/** `JSON.stringify` of the stored form (one place that decides how the stored form is written). */
export function storedFormJson(event: AnyEvent): string {
  return JSON.stringify(toStoredForm(event));
}

/** The canonical event back from its stored form. */
export function fromStoredForm(payload: Record<string, unknown>): AnyEvent {
  if (payload.type !== 'positions' || !Array.isArray(payload.p)) return payload as unknown as AnyEvent;
  const { p, ...rest } = payload as unknown as StoredPositions;
  const players: PlayerPosition[] = [];
  for (const stored of p) {
    const sample = positionSample(stored);
    if (sample === null) continue;
    const player: PlayerPosition = { steamId: sample.steamId, pos: [sample.x, sample.y, sample.z] };
    if (sample.yaw !== null) player.yaw = sample.yaw;
    if (sample.health !== null) player.health = sample.health;
    if (sample.armor !== null) player.armor = sample.armor;
    if (sample.alive !== null) player.alive = sample.alive;
    if (sample.weapon !== null) player.weapon = sample.weapon;
    players.push(player);
  }
  return { ...rest, players } as EventOf<'positions'>;
}
