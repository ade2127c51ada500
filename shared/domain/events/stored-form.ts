/**
 * The form events take in storage and on the dashboard socket. It is the canonical event
 * (section 4 of DESIGN.md) except for `positions`, which is most of the stream (8 samples a
 * second of every player). Its players' numbers go together in one JSON array, kept as text:
 *
 * ```
 * positions  = {type: "positions", ts, tick?, p: [[steamId, weapon]…], n: "[x,y,z,yaw,health,armor,alive,…]"}
 *              n: 7 numbers per player, in the order of p; alive is 1 or 0; absent ones are null
 * ```
 *
 * PostgreSQL stores every JSON number of a `jsonb` value as its own numeric: 90 of them per
 * sample made a positions row twice the size of its text and most of the database's work, and
 * writing them one by one was most of ours. As one string they cost one value; the
 * `position_samples` view gives them back as typed columns. {@link fromStoredForm} turns the
 * stored form back into the canonical event, and also reads the rows stored before
 * (`p: [[steamId, x, y, z, yaw, health, armor, alive, weapon]…]`, no `n`). Every other event is
 * stored as it is.
 */
import type { AnyEvent, EventOf, PlayerPosition } from './catalog.ts';

/** Numbers per player in `n`. */
export const POSITION_NUMBERS = 7;

export interface StoredPositions {
  type: 'positions';
  ts: number;
  tick?: number;
  p: [steamId: string, weapon: string | null][];
  n: string;
}

/** One player's sample, as read from the stored form. */
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

function packed(players: readonly PlayerPosition[]): Pick<StoredPositions, 'p' | 'n'> {
  const ids: StoredPositions['p'] = [];
  const numbers: (number | null)[] = [];
  for (const player of players) {
    ids.push([player.steamId, player.weapon ?? null]);
    numbers.push(
      player.pos[0],
      player.pos[1],
      player.pos[2],
      player.yaw ?? null,
      player.health ?? null,
      player.armor ?? null,
      player.alive === undefined ? null : player.alive ? 1 : 0,
    );
  }
  return { p: ids, n: JSON.stringify(numbers) };
}

const numberOrNull = (value: unknown): number | null => (typeof value === 'number' ? value : null);
const stringOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function parseNumbers(text: unknown): unknown[] | null {
  if (typeof text !== 'string') return null;
  try {
    const numbers: unknown = JSON.parse(text);
    return Array.isArray(numbers) ? numbers : null;
  } catch {
    return null;
  }
}

/**
 * The samples of a stored `positions` payload (either form), in order; a player whose entry is
 * not valid is left out.
 */
export function positionSamples(payload: Record<string, unknown>): PositionSample[] {
  const rows = payload.p;
  if (!Array.isArray(rows)) return [];
  const samples: PositionSample[] = [];
  const numbers = parseNumbers(payload.n);
  rows.forEach((row: unknown, i) => {
    if (!Array.isArray(row) || typeof row[0] !== 'string') return;
    let sample: PositionSample | null = null;
    if (numbers !== null) {
      const at = i * POSITION_NUMBERS;
      const [x, y, z, yaw, health, armor, alive] = numbers.slice(at, at + POSITION_NUMBERS);
      if (typeof x === 'number' && typeof y === 'number' && typeof z === 'number')
        sample = {
          steamId: row[0],
          x,
          y,
          z,
          yaw: numberOrNull(yaw),
          health: numberOrNull(health),
          armor: numberOrNull(armor),
          alive: alive === 1 ? true : alive === 0 ? false : null,
          weapon: stringOrNull(row[1]),
        };
    } else if (
      row.length === 9 &&
      typeof row[1] === 'number' &&
      typeof row[2] === 'number' &&
      typeof row[3] === 'number'
    ) {
      sample = {
        steamId: row[0],
        x: row[1],
        y: row[2],
        z: row[3],
        yaw: numberOrNull(row[4]),
        health: numberOrNull(row[5]),
        armor: numberOrNull(row[6]),
        alive: typeof row[7] === 'boolean' ? row[7] : null,
        weapon: stringOrNull(row[8]),
      };
    }
    if (sample !== null) samples.push(sample);
  });
  return samples;
}

/** The stored form of an event (a new object for `positions`, the event itself otherwise). */
export function toStoredForm(event: AnyEvent): AnyEvent | StoredPositions {
  if (event.type !== 'positions' || 'unknown' in event) return event;
  const positions = event as EventOf<'positions'>;
  return positions.tick === undefined
    ? { type: 'positions', ts: positions.ts, ...packed(positions.players) }
    : { type: 'positions', ts: positions.ts, tick: positions.tick, ...packed(positions.players) };
}

/** `JSON.stringify` of the stored form (one place that decides how the stored form is written). */
export function storedFormJson(event: AnyEvent): string {
  return JSON.stringify(toStoredForm(event));
}

/** The canonical event back from its stored form. */
export function fromStoredForm(payload: Record<string, unknown>): AnyEvent {
  if (payload.type !== 'positions' || !Array.isArray(payload.p)) return payload as unknown as AnyEvent;
  const { p: _rows, n: _numbers, ...rest } = payload;
  const players = positionSamples(payload).map((sample) => {
    const player: PlayerPosition = { steamId: sample.steamId, pos: [sample.x, sample.y, sample.z] };
    if (sample.yaw !== null) player.yaw = sample.yaw;
    if (sample.health !== null) player.health = sample.health;
    if (sample.armor !== null) player.armor = sample.armor;
    if (sample.alive !== null) player.alive = sample.alive;
    if (sample.weapon !== null) player.weapon = sample.weapon;
    return player;
  });
  return { ...rest, players } as EventOf<'positions'>;
}
