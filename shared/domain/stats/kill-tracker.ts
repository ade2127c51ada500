/**
 * Kill context within one round: opening kill/death, trades and clutch situations
 * (definitions: `reference/stats.md`). The match engine feeds it every `player_death` of a live
 * round to enrich kills; statistics replay the same tracker over a stored round, so the live flags
 * and the recomputed stats can never disagree on a definition.
 */
import type { EventOf, PlayingSide } from '../events/index.ts';
import type { KillFlags } from '../match/enrichment.ts';

/** Trade window default: get5 used 1.5 s and awpy 3 s; we follow the 5 s most analysts quote. */
export const DEFAULT_TRADE_WINDOW_MS = 5000;

export interface KillTrackerOptions {
  /** A kill trades a teammate's death at most this long after it (inclusive). Default 5000. */
  tradeWindowMs?: number;
}

/** An enemy kill that a later kill of the killer may trade. */
interface TradeableKill {
  killer: string;
  victim: string;
  victimSide: PlayingSide;
  ts: number;
  traded: boolean;
}

/** Plain-JSON state of a {@link RoundKillTracker}, for the engine's snapshots. */
export interface KillTrackerSnapshot {
  version: 1;
  tradeWindowMs: number;
  sides: Record<string, PlayingSide>;
  alive: string[];
  deaths: number;
  kills: TradeableKill[];
  clutchSides: PlayingSide[];
}

const OPPOSITE: Record<PlayingSide, PlayingSide> = { CT: 'T', T: 'CT' };

function isPlayingSide(side: string | undefined): side is PlayingSide {
  return side === 'CT' || side === 'T';
}

/**
 * Tracks one round. Create it at `round_start` with the sides of the players on a playing side
 * (they all start alive), feed it the round's deaths in order and, if the engine sees them,
 * mid-round team changes, spawns and disconnects.
 */
export class RoundKillTracker {
  readonly tradeWindowMs: number;
  private readonly sides = new Map<string, PlayingSide>();
  private readonly alive = new Set<string>();
  private deaths = 0;
  private readonly kills: TradeableKill[] = [];
  private readonly clutchSides = new Set<PlayingSide>();

  constructor(sides: Record<string, PlayingSide>, options: KillTrackerOptions = {}) {
    this.tradeWindowMs = options.tradeWindowMs ?? DEFAULT_TRADE_WINDOW_MS;
    for (const [steamId, side] of Object.entries(sides)) {
      this.sides.set(steamId, side);
      this.alive.add(steamId);
    }
  }

  /** Flags for one death, in the order deaths happen. World deaths and suicides have no killer credit. */
  onDeath(death: EventOf<'player_death'>): KillFlags {
    const victimSide = this.sides.get(death.victim);
    const killer = death.attacker;
    const killerSide = killer === undefined ? undefined : this.sides.get(killer);
    const enemyKill =
      killer !== undefined &&
      killer !== death.victim &&
      victimSide !== undefined &&
      killerSide !== undefined &&
      killerSide !== victimSide;

    const openingDeath = this.deaths === 0;
    this.deaths += 1;
    this.alive.delete(death.victim);

    const traded: string[] = [];
    if (enemyKill) {
      // Every teammate this victim killed inside the window is avenged, not only the latest one.
      for (const earlier of this.kills) {
        if (
          !earlier.traded &&
          earlier.killer === death.victim &&
          earlier.victimSide === killerSide &&
          death.ts - earlier.ts <= this.tradeWindowMs
        ) {
          earlier.traded = true;
          traded.push(earlier.victim);
        }
      }
      this.kills.push({ killer, victim: death.victim, victimSide, ts: death.ts, traded: false });
    }

    const flags: KillFlags = {
      openingKill: openingDeath && enemyKill,
      openingDeath,
      tradeKill: traded.length > 0,
      traded,
    };
    const clutch = victimSide === undefined ? undefined : this.clutchAfterLossOf(victimSide);
    if (clutch !== undefined) flags.clutch = clutch;
    return flags;
  }

  /** A team change mid-round: the player is dead until they spawn on the new side. */
  onPlayerTeam(event: EventOf<'player_team'>): void {
    this.setSide(event.steamId, isPlayingSide(event.side) ? event.side : null);
  }

  /** A spawn (e.g. joining during freeze time) makes the player alive on their side. */
  onPlayerSpawn(event: EventOf<'player_spawn'>): void {
    if (isPlayingSide(event.side)) this.sides.set(event.steamId, event.side);
    if (this.sides.has(event.steamId)) this.alive.add(event.steamId);
  }

  /** A disconnected player no longer counts as alive for clutch situations. */
  onPlayerDisconnect(event: EventOf<'player_disconnect'>): void {
    this.alive.delete(event.steamId);
  }

  /**
   * Moves a player to a side (`null`: spectators or gone). A player who changes side is not alive
   * unless `alive` says so; staying on the same side changes nothing.
   */
  setSide(steamId: string, side: PlayingSide | null, options: { alive?: boolean } = {}): void {
    if (side === null) {
      this.sides.delete(steamId);
      this.alive.delete(steamId);
      return;
    }
    if (this.sides.get(steamId) !== side) {
      this.sides.set(steamId, side);
      this.alive.delete(steamId);
    }
    if (options.alive === true) this.alive.add(steamId);
  }

  /** Number of players alive on a side. */
  aliveCount(side: PlayingSide): number {
    let count = 0;
    for (const steamId of this.alive) if (this.sides.get(steamId) === side) count += 1;
    return count;
  }

  isAlive(steamId: string): boolean {
    return this.alive.has(steamId);
  }

  toJSON(): KillTrackerSnapshot {
    return {
      version: 1,
      tradeWindowMs: this.tradeWindowMs,
      sides: Object.fromEntries(this.sides),
      alive: [...this.alive],
      deaths: this.deaths,
      kills: this.kills.map((kill) => ({ ...kill })),
      clutchSides: [...this.clutchSides],
    };
  }

  static fromJSON(json: KillTrackerSnapshot): RoundKillTracker {
    const tracker = new RoundKillTracker({}, { tradeWindowMs: json.tradeWindowMs });
    for (const [steamId, side] of Object.entries(json.sides)) tracker.sides.set(steamId, side);
    for (const steamId of json.alive) tracker.alive.add(steamId);
    tracker.deaths = json.deaths;
    for (const kill of json.kills) tracker.kills.push({ ...kill });
    for (const side of json.clutchSides) tracker.clutchSides.add(side);
    return tracker;
  }

  /** The first time a side is down to one player alive, with at least one opponent left. */
  private clutchAfterLossOf(side: PlayingSide): KillFlags['clutch'] {
    if (this.clutchSides.has(side)) return undefined;
    const survivors = [...this.alive].filter((steamId) => this.sides.get(steamId) === side);
    const [survivor] = survivors;
    if (survivors.length !== 1 || survivor === undefined) return undefined;
    const opponents = this.aliveCount(OPPOSITE[side]);
    // No opponent alive: the round is already decided, there is nothing to clutch.
    if (opponents === 0) return undefined;
    this.clutchSides.add(side);
    return { steamId: survivor, side, opponents };
  }
}
