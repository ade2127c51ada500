/**
 * One round, replayable: built from the round's stored events (every type, in order), it answers
 * "what did the round look like at time t" — each player's position (interpolated between the
 * 8 Hz samples), who was alive and on which side, the kills so far with where killer and victim
 * stood, the smokes, fires, flashes and HE grenades burning at t, and the bomb.
 *
 * Where the plugin sent no `positions` (a server log, a demo export), players have no track;
 * what there is still is: kills and deaths where they happened, and utility where it landed.
 * Pure: no DOM, no fetch.
 */

import { type PositionSample, positionSamples } from '../wire.ts';
import { type LiveEvent, text } from './live-event.ts';
import type { Side } from './match-card.ts';

export type Vec3 = readonly [number, number, number];

export interface ReplayPlayer {
  steamId: string;
  x: number;
  y: number;
  z: number;
  yaw: number | null;
  health: number | null;
  alive: boolean;
  /** The side the player played in this round (not their side now: they swap at halftime). */
  side: Side | null;
  weapon: string | null;
}

export interface ReplayKill {
  id: string;
  ts: number;
  attacker: string | null;
  victim: string;
  assister: string | null;
  attackerSide: Side | null;
  victimSide: Side | null;
  attackerPos: Vec3 | null;
  victimPos: Vec3 | null;
  weapon: string;
  headshot: boolean;
  postRound: boolean;
}

export type UtilityKind = 'smoke' | 'fire' | 'flash' | 'he' | 'decoy';

export interface ReplayUtility {
  kind: UtilityKind;
  ts: number;
  /** When it stops showing (a smoke lasts about 18 s, a fire 7 s, a flash or HE a blink). */
  endTs: number;
  pos: Vec3;
  thrower: string | null;
  throwerSide: Side | null;
}

export type BombState = 'carried' | 'planted' | 'defused' | 'exploded';

export interface ReplayBomb {
  state: BombState;
  /** Where it is, when known: the carrier's position, or where it was planted. */
  pos: Vec3 | null;
  carrier: string | null;
  site: string | null;
  /** Time of the plant, defuse or explosion that set the state. */
  since: number | null;
}

export interface ReplayMoment {
  ts: number;
  players: ReplayPlayer[];
  kills: ReplayKill[];
  utility: ReplayUtility[];
  bomb: ReplayBomb;
}

/** How long each kind of utility shows, from its detonation (ms). */
export const UTILITY_MS: Readonly<Record<UtilityKind, number>> = {
  smoke: 18_000,
  fire: 7_000,
  flash: 600,
  he: 600,
  decoy: 15_000,
};

/** Samples further apart than this are not interpolated (the player was not seen in between). */
const MAX_INTERPOLATION_GAP_MS = 1_000;

export function utilityKind(grenade: string | null): UtilityKind | null {
  const name = (grenade ?? '').replace(/^weapon_/, '').toLowerCase();
  if (name.startsWith('smoke')) return 'smoke';
  if (name === 'molotov' || name === 'incgrenade' || name === 'inferno' || name.startsWith('fire'))
    return 'fire';
  if (name.startsWith('flash')) return 'flash';
  if (name === 'hegrenade' || name === 'he') return 'he';
  if (name.startsWith('decoy')) return 'decoy';
  return null;
}

function vec(value: unknown): Vec3 | null {
  if (!Array.isArray(value) || value.length < 2) return null;
  const [x, y, z] = value as unknown[];
  if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y))
    return null;
  return [x, y, typeof z === 'number' && Number.isFinite(z) ? z : 0];
}

/**
 * The players of a `positions` event in either form it reaches the page: the stored form the
 * socket sends (`p`/`n` rows) or the catalog form the REST API serves (`players`).
 */
export function samplesOf(data: Record<string, unknown>): PositionSample[] {
  if (!Array.isArray(data.players)) return positionSamples(data);
  const samples: PositionSample[] = [];
  for (const entry of data.players as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const player = entry as Record<string, unknown>;
    const pos = vec(player.pos);
    if (typeof player.steamId !== 'string' || !pos) continue;
    const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);
    samples.push({
      steamId: player.steamId,
      x: pos[0],
      y: pos[1],
      z: pos[2],
      yaw: number(player.yaw),
      health: number(player.health),
      armor: number(player.armor),
      alive: typeof player.alive === 'boolean' ? player.alive : null,
      weapon: typeof player.weapon === 'string' ? player.weapon : null,
    });
  }
  return samples;
}

function sideOf(value: unknown): Side | null {
  return value === 'CT' || value === 'T' ? value : null;
}

interface Sample {
  ts: number;
  x: number;
  y: number;
  z: number;
  yaw: number | null;
  health: number | null;
  alive: boolean;
  weapon: string | null;
}

function lerp(a: number, b: number, share: number): number {
  return a + (b - a) * share;
}

/** Yaw in degrees, the short way round. */
function lerpAngle(a: number, b: number, share: number): number {
  const delta = ((((b - a) % 360) + 540) % 360) - 180;
  return a + delta * share;
}

function isBomb(weapon: string | null): boolean {
  return weapon === 'c4' || weapon === 'weapon_c4';
}

export class RoundReplay {
  readonly number: number;
  readonly startTs: number;
  readonly endTs: number;
  /** True when the plugin sent player positions for this round. */
  readonly hasPositions: boolean;
  readonly kills: readonly ReplayKill[];
  readonly utility: readonly ReplayUtility[];
  private readonly tracks = new Map<string, Sample[]>();
  private readonly sides = new Map<string, Side>();
  private readonly bombEvents: { ts: number; state: BombState; site: string | null; who: string | null }[] =
    [];

  /**
   * @param events the round's events in order (any types; others are ignored)
   * @param sidesBefore each player's side as the round started (their last `player_team` before it)
   */
  constructor(number: number, events: readonly LiveEvent[], sidesBefore: ReadonlyMap<string, Side>) {
    this.number = number;
    for (const [steamId, side] of sidesBefore) this.sides.set(steamId, side);
    const kills: ReplayKill[] = [];
    const utility: ReplayUtility[] = [];
    let start = Number.POSITIVE_INFINITY;
    let end = Number.NEGATIVE_INFINITY;
    for (const event of events) {
      start = Math.min(start, event.ts);
      end = Math.max(end, event.ts);
      const { data } = event;
      switch (event.type) {
        case 'player_team': {
          const steamId = text(data, 'steamId');
          const side = sideOf(data.side);
          // A swap at halftime comes after the round: it does not recolour the round's players.
          if (steamId && side && !this.sides.has(steamId)) this.sides.set(steamId, side);
          break;
        }
        case 'positions':
          for (const sample of samplesOf(data)) {
            let track = this.tracks.get(sample.steamId);
            if (!track) {
              track = [];
              this.tracks.set(sample.steamId, track);
            }
            track.push({
              ts: event.ts,
              x: sample.x,
              y: sample.y,
              z: sample.z,
              yaw: sample.yaw,
              health: sample.health,
              alive: sample.alive !== false && sample.health !== 0,
              weapon: sample.weapon,
            });
          }
          break;
        case 'player_death': {
          const victim = text(data, 'victim');
          if (!victim) break;
          const attacker = text(data, 'attacker');
          kills.push({
            id: event.id,
            ts: event.ts,
            attacker,
            victim,
            assister: text(data, 'assister'),
            attackerSide: attacker ? (this.sides.get(attacker) ?? null) : null,
            victimSide: this.sides.get(victim) ?? null,
            attackerPos: vec(data.attackerPos),
            victimPos: vec(data.victimPos),
            weapon: text(data, 'weapon') ?? 'world',
            headshot: data.headshot === true,
            postRound: event.postRound,
          });
          break;
        }
        case 'grenade_detonate': {
          const kind = utilityKind(text(data, 'grenade'));
          const pos = vec(data.pos);
          if (!kind || !pos) break;
          const thrower = text(data, 'steamId');
          utility.push({
            kind,
            ts: event.ts,
            endTs: event.ts + UTILITY_MS[kind],
            pos,
            thrower,
            throwerSide: thrower ? (this.sides.get(thrower) ?? null) : null,
          });
          break;
        }
        case 'bomb_planted':
          this.bombEvents.push({
            ts: event.ts,
            state: 'planted',
            site: text(data, 'site'),
            who: text(data, 'steamId'),
          });
          break;
        case 'bomb_defused':
          this.bombEvents.push({
            ts: event.ts,
            state: 'defused',
            site: text(data, 'site'),
            who: text(data, 'steamId'),
          });
          break;
        case 'bomb_exploded':
          this.bombEvents.push({ ts: event.ts, state: 'exploded', site: text(data, 'site'), who: null });
          break;
        default:
          break;
      }
    }
    this.startTs = Number.isFinite(start) ? start : 0;
    this.endTs = Number.isFinite(end) ? end : this.startTs;
    this.hasPositions = this.tracks.size > 0;
    this.kills = kills;
    this.utility = utility;
  }

  /**
   * Where players walked this round, thinned to one point per `step` world units per player: drawn
   * faintly, it outlines the map where no radar image is placed.
   */
  trail(step = 48): [number, number, number][] {
    const points: [number, number, number][] = [];
    for (const track of this.tracks.values()) {
      let last: Sample | null = null;
      for (const sample of track) {
        if (last && Math.hypot(sample.x - last.x, sample.y - last.y) < step) continue;
        points.push([sample.x, sample.y, sample.z]);
        last = sample;
      }
    }
    return points;
  }

  /** The side a player played in this round. */
  sideOf(steamId: string): Side | null {
    return this.sides.get(steamId) ?? null;
  }

  /** Every player with a track, where they were at `ts` (interpolated; the dead where they fell). */
  playersAt(ts: number): ReplayPlayer[] {
    const players: ReplayPlayer[] = [];
    for (const [steamId, track] of this.tracks) {
      const sample = this.sampleAt(track, ts);
      if (!sample) continue;
      players.push({ steamId, ...sample, side: this.sideOf(steamId) });
    }
    // A death seen before the next sample says so at once.
    for (const kill of this.kills) {
      if (kill.ts > ts) break;
      const victim = players.find((player) => player.steamId === kill.victim);
      if (victim) victim.alive = false;
    }
    return players;
  }

  private sampleAt(track: readonly Sample[], ts: number): Omit<ReplayPlayer, 'steamId' | 'side'> | null {
    // The last sample at or before ts (binary search), and the one after it.
    let low = 0;
    let high = track.length - 1;
    if (high < 0) return null;
    // Before a player's first sample (freeze time: plugins sample once it ends), they stand where
    // that sample has them: their spawn.
    if (track[0]!.ts > ts) {
      const { x, y, z, yaw, health, alive, weapon } = track[0]!;
      return { x, y, z, yaw, health, alive, weapon };
    }
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (track[middle]!.ts <= ts) low = middle;
      else high = middle - 1;
    }
    const before = track[low]!;
    const after = track[low + 1];
    const { x, y, z, yaw, health, alive, weapon } = before;
    if (!after || !before.alive || after.ts - before.ts > MAX_INTERPOLATION_GAP_MS) {
      return { x, y, z, yaw, health, alive, weapon };
    }
    const share = (ts - before.ts) / (after.ts - before.ts);
    return {
      x: lerp(x, after.x, share),
      y: lerp(y, after.y, share),
      z: lerp(z, after.z, share),
      yaw: yaw !== null && after.yaw !== null ? lerpAngle(yaw, after.yaw, share) : yaw,
      health,
      alive,
      weapon,
    };
  }

  /** The bomb at `ts`: carried (by whom, when positions say so), planted, defused or exploded. */
  bombAt(ts: number, players: readonly ReplayPlayer[]): ReplayBomb {
    const last = this.bombEvents.filter((event) => event.ts <= ts).at(-1);
    if (last) {
      const plant = this.bombEvents.find((event) => event.state === 'planted' && event.ts <= ts);
      const planterTrack = plant?.who ? this.tracks.get(plant.who) : undefined;
      const plantedAt = planterTrack && plant ? this.sampleAt(planterTrack, plant.ts) : null;
      return {
        state: last.state,
        pos: plantedAt ? [plantedAt.x, plantedAt.y, plantedAt.z] : null,
        carrier: null,
        site: last.site ?? plant?.site ?? null,
        since: last.ts,
      };
    }
    const carrier = players.find((player) => player.alive && isBomb(player.weapon)) ?? null;
    return {
      state: 'carried',
      pos: carrier ? [carrier.x, carrier.y, carrier.z] : null,
      carrier: carrier?.steamId ?? null,
      site: null,
      since: null,
    };
  }

  /** Everything the radar draws at `ts`. */
  at(ts: number): ReplayMoment {
    const players = this.playersAt(ts);
    return {
      ts,
      players,
      kills: this.kills.filter((kill) => kill.ts <= ts),
      utility: this.utility.filter((item) => item.ts <= ts && ts < item.endTs),
      bomb: this.bombAt(ts, players),
    };
  }
}

export interface HeatPoint {
  x: number;
  y: number;
  z: number;
  /** The killer's side when the kill happened. */
  side: Side;
}

/**
 * Every kill of a match with a position, by the killer's side then (sides swap at halftime): the
 * kill heatmap. `at: 'victim'` places each where the victim fell, `'attacker'` where the killer stood.
 */
export function killHeat(events: readonly LiveEvent[], at: 'victim' | 'attacker' = 'victim'): HeatPoint[] {
  const sides = new Map<string, Side>();
  const points: HeatPoint[] = [];
  for (const event of events) {
    if (event.type === 'player_team') {
      const steamId = text(event.data, 'steamId');
      const side = sideOf(event.data.side);
      if (steamId && side) sides.set(steamId, side);
    } else if (event.type === 'player_death' && event.phase !== 'warmup' && event.phase !== 'knife') {
      const attacker = text(event.data, 'attacker');
      const victim = text(event.data, 'victim');
      const side = attacker ? sides.get(attacker) : undefined;
      const pos = vec(at === 'victim' ? event.data.victimPos : event.data.attackerPos);
      if (!side || !pos || !victim || attacker === victim || sides.get(victim) === side) continue;
      points.push({ x: pos[0], y: pos[1], z: pos[2], side });
    }
  }
  return points;
}

/** Each player's side from the `player_team` events before a time (for a round's `sidesBefore`). */
export function sidesBefore(events: readonly LiveEvent[], ts: number): Map<string, Side> {
  const sides = new Map<string, Side>();
  for (const event of events) {
    if (event.ts >= ts) break;
    if (event.type !== 'player_team') continue;
    const steamId = text(event.data, 'steamId');
    const side = sideOf(event.data.side);
    if (steamId && side) sides.set(steamId, side);
    else if (steamId) sides.delete(steamId);
  }
  return sides;
}
