/**
 * The form events take in storage and on the dashboard socket. It is the canonical event
 * (section 4 of DESIGN.md) except for `positions`, which is most of the stream (8 samples a
 * second of every player): its players are stored as rows instead of objects,
 *
 * ```
 * positions  = {type: "positions", ts, tick?, p: [row…]}
 * row        = [steamId, x, y, z, yaw, health, armor, alive, weapon]   absent fields are null
 * ```
 *
 * which halves its JSON and the database's work to parse it. {@link fromStoredForm} turns it
 * back into the canonical event; every other event is stored as it is.
 */
import type { AnyEvent, EventOf, PlayerPosition } from './catalog.ts';

export type PositionRow = [
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
  p: PositionRow[];
}

function row(player: PlayerPosition): PositionRow {
  return [
    player.steamId,
    player.pos[0],
    player.pos[1],
    player.pos[2],
    player.yaw ?? null,
    player.health ?? null,
    player.armor ?? null,
    player.alive ?? null,
    player.weapon ?? null,
  ];
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
  const players = p.map(([steamId, x, y, z, yaw, health, armor, alive, weapon]) => {
    const player: PlayerPosition = { steamId, pos: [x, y, z] };
    if (yaw !== null) player.yaw = yaw;
    if (health !== null) player.health = health;
    if (armor !== null) player.armor = armor;
    if (alive !== null) player.alive = alive;
    if (weapon !== null) player.weapon = weapon;
    return player;
  });
  return { ...rest, players } as EventOf<'positions'>;
}
