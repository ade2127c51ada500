/**
 * Everything the match view shows about one match, kept up to date from the REST snapshot and
 * the live messages: the match row, the rounds, the kill feed, players' names and sides, the
 * latest position of each player (and a trail of where players have been, which outlines the
 * map on the radar), and the scoreboard from the best source available.
 */

import type { MatchDetail, MatchSummary, PlayerMatchStats, RoundItem, RoundRow } from '../wire.ts';
import { positionSamples } from '../wire.ts';
import { EventTally } from './event-tally.ts';
import { type LiveEvent, num, text } from './live-event.ts';
import { type MatchCard, matchCardOf, type Side, type TeamInfo } from './match-card.ts';
import { Bounds } from './radar-projection.ts';
import { ctTeamKeyInRound } from './side-schedule.ts';

export interface RoundCell {
  number: number;
  winnerSide: Side | null;
  winnerTeam: string | null;
  reason: string | null;
  scoreAfter: Record<string, number>;
}

export interface KillEntry {
  id: string;
  ts: number;
  round: number;
  /** After the round was won, before it officially ended (exit frags, saves hunted down). */
  postRound: boolean;
  attacker: string | null;
  /** Sides when the kill happened (they swap at halftime). */
  attackerSide: Side | null;
  assister: string | null;
  flashAssist: boolean;
  victim: string;
  victimSide: Side | null;
  weapon: string;
  headshot: boolean;
  wallbang: boolean;
  noscope: boolean;
  throughSmoke: boolean;
}

export interface PlayerDot {
  steamId: string;
  x: number;
  y: number;
  yaw: number | null;
  health: number | null;
  alive: boolean;
  weapon: string | null;
  ts: number;
  /**
   * The player's side when sampled: a halftime swap arrives after the round's last sample, and
   * must not recolour the survivors of the round that just ended.
   */
  side: Side | null;
}

/** Where scoreboard figures come from, best first. */
export type StatsSource = 'live' | 'summary' | 'events';

export interface ScoreLine {
  steamId: string;
  name: string;
  team: string | null;
  kills: number;
  deaths: number;
  assists: number;
  adr: number;
  hsPercent: number;
  /** Absent from the figures counted by the page itself. */
  kast: number | null;
  /** HLTV rating 1.0 (reference/stats.md), the one rating the page and `geqo analyze` show. */
  rating: number | null;
  /** The platform's figures only (null when the page counts itself). */
  more: ScoreExtras | null;
}

/** Figures only the platform's statistics have. */
export interface ScoreExtras {
  openingKills: number;
  openingDeaths: number;
  /** Rounds with three or more kills. */
  multiKills3plus: number;
  clutchesWon: number;
  utilityDamage: number;
  flashAssists: number;
}

type ExtrasSource = Pick<
  PlayerMatchStats,
  'openingKills' | 'openingDeaths' | 'utilityDamage' | 'flashAssists'
> & { multiKills?: Record<string, number>; clutchesWon?: Record<string, number> };

function extrasOf(player: ExtrasSource): ScoreExtras {
  // Older runtimes (and partial live messages) may leave the count maps out.
  const sum = (counts: Record<string, number> | undefined, from: number) =>
    Object.entries(counts ?? {}).reduce(
      (total, [key, count]) => total + (Number(key) >= from ? count : 0),
      0,
    );
  return {
    openingKills: player.openingKills ?? 0,
    openingDeaths: player.openingDeaths ?? 0,
    multiKills3plus: sum(player.multiKills, 3),
    clutchesWon: sum(player.clutchesWon, 1),
    utilityDamage: player.utilityDamage ?? 0,
    flashAssists: player.flashAssists ?? 0,
  };
}

/** Trail points kept for the radar's outline of the map (x, y pairs). */
const TRAIL_CAPACITY = 12_000;
/** A new trail point once a player has moved this far (world units) from their last one. */
const TRAIL_STEP = 40;
/** Kills kept for the feed. */
const FEED_CAPACITY = 400;

const round2 = (value: number) => Math.round(value * 100) / 100;

function flip(side: Side | null): Side | null {
  return side === null ? null : side === 'CT' ? 'T' : 'CT';
}

function side(value: unknown): Side | null {
  return value === 'CT' || value === 'T' ? value : null;
}

export class MatchLiveState {
  match: MatchCard;
  /** From the REST detail: stored events so far (the live count is not kept). */
  storedEvents = 0;
  readonly rounds = new Map<number, RoundCell>();
  readonly kills: KillEntry[] = [];
  readonly names = new Map<string, string>();
  readonly sides = new Map<string, Side>();
  readonly positions = new Map<string, PlayerDot>();
  /** The enrichment of the latest event: the phase and the round in progress. */
  phase: string | null = null;
  currentRound = 0;
  lastEventAt: number | null = null;
  readonly bounds = new Bounds();
  readonly trail = new Float32Array(TRAIL_CAPACITY * 2);
  trailLength = 0;
  private trailNext = 0;
  private readonly lastTrailPoint = new Map<string, [number, number]>();
  /** Bumped on every change of what the radar draws, so it redraws only when needed. */
  radarVersion = 0;
  private readonly seen = new Set<string>();
  private readonly tally = new EventTally((steamId) => this.sides.get(steamId));
  private serverStats: { source: 'live' | 'summary'; lines: ScoreLine[] } | null = null;

  constructor(detail: MatchDetail) {
    this.match = matchCardOf(detail);
    this.storedEvents = detail.events;
  }

  setRounds(rounds: readonly RoundItem[]): void {
    this.rounds.clear();
    for (const round of rounds) if (!round.voided) this.applyRound(round);
  }

  applyRound(round: RoundItem | RoundRow): void {
    this.rounds.set(round.number, {
      number: round.number,
      winnerSide: side(round.winnerSide),
      winnerTeam: round.winnerTeam,
      reason: round.reason,
      scoreAfter: { ...round.scoreAfter },
    });
    if (round.number > this.currentRound) this.currentRound = round.number;
  }

  /** Rounds from `fromRound` on were voided (backup restore, restart): they are replayed. */
  voidRoundsFrom(fromRound: number): void {
    for (const number of [...this.rounds.keys()]) if (number >= fromRound) this.rounds.delete(number);
  }

  /** Applies events in order; an event seen before (REST history and live overlap) is skipped. */
  applyEvents(events: readonly LiveEvent[]): void {
    for (const event of events) {
      if (event.type === 'positions') {
        this.applyPositions(event);
      } else {
        if (this.seen.has(event.id)) continue;
        this.seen.add(event.id);
        this.applyEvent(event);
      }
      if (this.lastEventAt === null || event.ts >= this.lastEventAt) {
        this.lastEventAt = event.ts;
        this.phase = event.phase;
        if (event.round > 0) this.currentRound = event.round;
      }
    }
  }

  private applyEvent(event: LiveEvent): void {
    const { data } = event;
    switch (event.type) {
      case 'player_connect': {
        const steamId = text(data, 'steamId');
        const name = text(data, 'name');
        if (steamId && name) this.names.set(steamId, name);
        break;
      }
      case 'player_team': {
        const steamId = text(data, 'steamId');
        const playerSide = side(data.side);
        if (steamId && playerSide) this.sides.set(steamId, playerSide);
        else if (steamId) this.sides.delete(steamId);
        this.radarVersion += 1;
        break;
      }
      case 'player_disconnect': {
        const steamId = text(data, 'steamId');
        if (steamId && this.positions.delete(steamId)) this.radarVersion += 1;
        break;
      }
      case 'round_start':
        // A new round: the dead of the last one respawn; stale dots would mislead until the first sample.
        for (const dot of this.positions.values()) dot.alive = true;
        this.radarVersion += 1;
        break;
      case 'player_death':
        this.applyKill(event);
        break;
      default:
        break;
    }
    this.tally.add(event);
  }

  private applyKill(event: LiveEvent): void {
    const { data } = event;
    const victim = text(data, 'victim');
    if (!victim) return;
    const dot = this.positions.get(victim);
    if (dot) {
      dot.alive = false;
      this.radarVersion += 1;
    }
    const attacker = text(data, 'attacker');
    this.kills.push({
      id: event.id,
      ts: event.ts,
      round: event.round,
      postRound: event.postRound,
      attacker,
      attackerSide: attacker ? (this.sides.get(attacker) ?? null) : null,
      assister: text(data, 'assister'),
      flashAssist: data.assistedFlash === true,
      victim,
      victimSide: this.sides.get(victim) ?? null,
      weapon: text(data, 'weapon') ?? 'world',
      headshot: data.headshot === true,
      wallbang: (num(data, 'penetrated') ?? 0) > 0,
      noscope: data.noscope === true,
      throughSmoke: data.thrusmoke === true,
    });
    if (this.kills.length > FEED_CAPACITY) this.kills.splice(0, this.kills.length - FEED_CAPACITY);
  }

  private applyPositions(event: LiveEvent): void {
    for (const { steamId, x, y, yaw, health, alive, weapon } of positionSamples(event.data)) {
      const isAlive = alive !== false && health !== 0;
      const side = this.sides.get(steamId) ?? null;
      this.positions.set(steamId, { steamId, x, y, yaw, health, alive: isAlive, weapon, ts: event.ts, side });
      if (isAlive) this.addTrailPoint(steamId, x, y);
    }
    this.radarVersion += 1;
  }

  private addTrailPoint(steamId: string, x: number, y: number): void {
    const last = this.lastTrailPoint.get(steamId);
    if (last && Math.hypot(x - last[0], y - last[1]) < TRAIL_STEP) return;
    this.lastTrailPoint.set(steamId, [x, y]);
    this.bounds.include(x, y);
    this.trail[this.trailNext * 2] = x;
    this.trail[this.trailNext * 2 + 1] = y;
    this.trailNext = (this.trailNext + 1) % TRAIL_CAPACITY;
    this.trailLength = Math.min(this.trailLength + 1, TRAIL_CAPACITY);
  }

  /** Figures of the summary endpoint (end of match, or as far as stored). */
  applySummary(summary: MatchSummary): void {
    if (this.serverStats?.source === 'live') return;
    for (const player of summary.players) this.names.set(player.steamId, player.name);
    this.serverStats = {
      source: 'summary',
      lines: summary.players.map((player) => ({
        steamId: player.steamId,
        name: player.name,
        team: player.team,
        kills: player.kills,
        deaths: player.deaths,
        assists: player.assists,
        adr: player.adr,
        hsPercent: player.kills > 0 ? round2((100 * player.headshotKills) / player.kills) : 0,
        kast: player.kast,
        rating: player.rating1,
        more: extrasOf(player),
      })),
    };
  }

  /** A live `stats` message: the match figures through its round replace the scoreboard. */
  applyLiveStats(players: readonly PlayerMatchStats[], voidedFrom?: number): void {
    if (voidedFrom !== undefined) this.voidRoundsFrom(voidedFrom);
    for (const player of players) this.names.set(player.steamId, player.name);
    this.serverStats = {
      source: 'live',
      lines: players.map((player) => ({
        steamId: player.steamId,
        name: player.name,
        team: player.team,
        kills: player.kills,
        deaths: player.deaths,
        assists: player.assists,
        adr: player.adr,
        hsPercent: player.hsPercent,
        kast: player.kast,
        rating: player.rating1,
        more: extrasOf(player),
      })),
    };
  }

  /** Where the platform's own statistics came from; null while the page counts them itself. */
  get serverStatsSource(): 'live' | 'summary' | null {
    return this.serverStats?.source ?? null;
  }

  /**
   * The side a team plays now as its players show it (their last `player_team`), when the
   * platform's statistics say who plays for whom; null when that is not known.
   */
  private observedSide(teamName: string): Side | null {
    let ct = 0;
    let t = 0;
    for (const line of this.serverStats?.lines ?? []) {
      if (line.team !== teamName) continue;
      const playerSide = this.sides.get(line.steamId);
      if (playerSide === 'CT') ct += 1;
      else if (playerSide === 'T') t += 1;
    }
    return ct > t ? 'CT' : t > ct ? 'T' : null;
  }

  /**
   * The team on a side in the round in progress: as its players show it, else by the teams'
   * start sides and the MR12 swap schedule.
   */
  teamOnSide(playerSide: Side): TeamInfo | null {
    const [first, second] = this.match.teams;
    if (!first || !second) return null;
    const observed = this.observedSide(first.name) ?? flip(this.observedSide(second.name));
    const firstOnCt = observed ? observed === 'CT' : ctTeamKeyInRound(Math.max(this.currentRound, 1)) === 'A';
    const onCt = firstOnCt ? first : second;
    return playerSide === 'CT' ? onCt : onCt === first ? second : first;
  }

  /** The team on a side in a played round: its winner tells (the other team had the other side). */
  teamOnSideInRound(playerSide: Side, round: number): TeamInfo | null {
    const cell = this.rounds.get(round);
    const [first, second] = this.match.teams;
    if (!cell?.winnerSide || !cell.winnerTeam || !first || !second) return null;
    const winner = cell.winnerTeam === first.name ? first : cell.winnerTeam === second.name ? second : null;
    if (!winner) return null;
    return cell.winnerSide === playerSide ? winner : winner === first ? second : first;
  }

  /** The side a team plays in the round in progress. */
  sideOfTeam(team: TeamInfo): Side {
    return this.teamOnSide('CT')?.name === team.name ? 'CT' : 'T';
  }

  nameOf(steamId: string): string {
    return this.names.get(steamId) ?? (steamId.startsWith('BOT:') ? steamId.slice(4) : steamId);
  }

  /** The scoreboard: the platform's figures when known, else the page's own count. */
  scoreboard(): { source: StatsSource; lines: ScoreLine[] } {
    if (this.serverStats) return this.serverStats;
    const roundsPlayed = Math.max(1, [...this.rounds.values()].filter((round) => round.winnerSide).length);
    return {
      source: 'events',
      lines: this.tally.lines().map((line) => {
        const playerSide = this.sides.get(line.steamId);
        return {
          steamId: line.steamId,
          name: this.nameOf(line.steamId),
          team: playerSide ? (this.teamOnSide(playerSide)?.name ?? null) : null,
          kills: line.kills,
          deaths: line.deaths,
          assists: line.assists,
          adr: round2(line.damage / roundsPlayed),
          hsPercent: line.kills > 0 ? round2((100 * line.headshotKills) / line.kills) : 0,
          kast: null,
          rating: null,
          more: null,
        };
      }),
    };
  }
}
