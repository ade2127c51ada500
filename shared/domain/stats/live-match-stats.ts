/**
 * Live match statistics (DESIGN.md section 7): kept incrementally as rounds end, in the worker's
 * path, from the same enriched events the worker stores.
 *
 * The state is plain JSON ({@link LiveStatsState}) so it rides along in the worker's per-server
 * snapshot and any worker resumes it. It holds one record per live round ({@link RoundStats},
 * stored compactly) and the stat-relevant events of the round in progress. A round is turned into
 * its record with the very functions the end-of-match aggregation uses (`buildTimeline`,
 * `buildRoundStats`, `aggregateMatchStats`), so once the last round is over the live figures are
 * the final ones by construction:
 *
 * - a round's record is computed when it is won, and again when post-round events (kills after
 *   the round was decided) change it, up to the next round's start;
 * - a round replayed after a backup restore or restart replaces its record; voided rounds are
 *   dropped (`voidsRoundsFrom`), as the timeline drops them;
 * - records are keyed by SteamID64, so a player who reconnects keeps their numbers.
 */
import { isKnownEvent } from '../events/index.ts';
import type { EnrichedEvent } from '../match/enrichment.ts';
import { summarizeMatch } from '../match/summary.ts';
import type { TimelinePlayer } from '../match/timeline.ts';
import { buildTimeline } from '../match/timeline.ts';
import {
  aggregateMatchStats,
  buildRoundStats,
  type PlayerMatchStats,
  type RoundStats,
} from './match-stats.ts';
import type { StatsOptionsInput } from './options.ts';
import { emptyRoundStats, type PlayerRoundStats } from './round-stats.ts';

/**
 * The event types the round statistics read (`computeRoundStats`) and the timeline needs to know
 * who played the round (`player_team`, `player_spawn`). Anything else in a round (positions,
 * footsteps, shots, purchases) is not kept: the record comes out the same without it.
 */
export const LIVE_ROUND_EVENT_TYPES: ReadonlySet<string> = new Set([
  'player_spawn',
  'player_team',
  'player_disconnect',
  'player_hurt',
  'player_death',
  'player_blind',
  'bomb_planted',
  'bomb_defused',
]);

/** A player's round record with every zero, `false` and `null` field left out (snapshots stay small). */
type CompactPlayerRoundStats = Partial<PlayerRoundStats> & { steamId: string };

/** One live round's record as the state keeps it. */
export interface LiveRoundRecord {
  number: number;
  teams: RoundStats['teams'];
  players: CompactPlayerRoundStats[];
  /** Player kills in the round, as the MatchSummary counts them (post-round kills included). */
  kills: number;
}

/** The round in progress: its stat-relevant events, from the one that started it. */
export interface LiveOpenRound {
  number: number;
  events: EnrichedEvent[];
  won: boolean;
  /** Changed since its record was last computed. */
  dirty: boolean;
}

/** Live statistics of the match in progress on one game server: plain JSON. */
export interface LiveStatsState {
  matchId: string | null;
  /** Last known name by SteamID64 (from `player_connect`), as the timeline names players. */
  names: Record<string, string>;
  /** Records of the rounds computed so far, in round order. */
  rounds: LiveRoundRecord[];
  open: LiveOpenRound | null;
}

/** What dashboards are told when rounds end or are voided. */
export interface LiveStatsUpdate {
  matchId: string;
  /** The last round counted in {@link players}: the round that just ended (or was updated). */
  round: number;
  /** Each player's match figures through {@link round}: what a scoreboard shows. */
  players: PlayerMatchStats[];
  /** Each player's figures in {@link round} alone (the delta); empty when only a void is reported. */
  roundPlayers: PlayerRoundStats[];
  /** Player kills in {@link round}. */
  kills: number;
  /** Set when rounds from this number on were voided (backup restore, restart): drop them. */
  voidedFrom?: number;
}

/** A fresh live state (no match yet). */
export function createLiveStatsState(): LiveStatsState {
  return { matchId: null, names: {}, rounds: [], open: null };
}

function compact(player: PlayerRoundStats): CompactPlayerRoundStats {
  const kept: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(player)) {
    if (value !== 0 && value !== false && value !== null) kept[field] = value;
  }
  return kept as CompactPlayerRoundStats;
}

function expand(record: LiveRoundRecord): RoundStats {
  const players: Record<string, PlayerRoundStats> = {};
  for (const player of record.players)
    players[player.steamId] = { ...emptyRoundStats(player.steamId, null), ...player };
  return { number: record.number, teams: record.teams, players };
}

/**
 * The live statistics of one game server, over a {@link LiveStatsState} it updates in place.
 * Feed it every enriched event in the order the engine produced them ({@link add}); after each
 * batch, {@link takeUpdates} gives what changed.
 */
export class LiveMatchStats {
  private readonly outbox: LiveStatsUpdate[] = [];
  /** Lowest round voided since the last {@link takeUpdates}. */
  private voidedFrom: number | null = null;
  /** Rounds whose records were (re)computed since the last {@link takeUpdates}. */
  private readonly changed = new Set<number>();

  constructor(
    readonly state: LiveStatsState,
    private readonly options: StatsOptionsInput = {},
  ) {}

  add(enriched: EnrichedEvent): void {
    const { event, enrichment } = enriched;
    const matchId = enrichment.matchId;
    if (matchId === null) return;
    if (matchId !== this.state.matchId) this.switchMatch(matchId);
    if (isKnownEvent(event) && event.type === 'player_connect') this.state.names[event.steamId] = event.name;
    if (enrichment.voidsRoundsFrom !== undefined) this.dropRoundsFrom(enrichment.voidsRoundsFrom);
    const roundStart = enrichment.roundStart;
    if (roundStart !== undefined) {
      const open = this.state.open;
      if (open !== null && open.number < roundStart.number && open.dirty) this.computeOpenRound();
      this.dropRoundsFrom(roundStart.number);
      this.state.open = { number: roundStart.number, events: [enriched], won: false, dirty: true };
      return;
    }
    const open = this.state.open;
    if (open === null || enrichment.excluded || enrichment.roundNumber !== open.number) return;
    if (enrichment.roundEnd !== undefined && enrichment.roundEnd.number === open.number) open.won = true;
    else if (!LIVE_ROUND_EVENT_TYPES.has(event.type)) return;
    open.events.push(enriched);
    open.dirty = true;
  }

  /**
   * What changed since the last call, oldest first: rounds that ended (or changed after they
   * ended), voids, and the last figures of a match another match replaced. The round in progress
   * is not reported until it is won.
   */
  takeUpdates(): LiveStatsUpdate[] {
    const open = this.state.open;
    if (open?.won === true && open.dirty) this.computeOpenRound();
    this.flush();
    return this.outbox.splice(0);
  }

  /** The match figures through the last computed round (what {@link takeUpdates} last reported). */
  totals(): PlayerMatchStats[] {
    return this.totalsThrough(Number.POSITIVE_INFINITY);
  }

  private switchMatch(matchId: string): void {
    // The previous match is over (a game over or a new match on the server): its last round
    // counts as it stands, as the end-of-match timeline counts it.
    if (this.state.matchId !== null && this.state.open?.dirty === true) this.computeOpenRound();
    this.flush();
    this.state.matchId = matchId;
    this.state.names = {};
    this.state.rounds = [];
    this.state.open = null;
  }

  private computeOpenRound(): void {
    const open = this.state.open;
    if (open === null || this.state.matchId === null) return;
    const timeline = buildTimeline(open.events, { matchId: this.state.matchId });
    const round = timeline.rounds[0];
    open.dirty = false;
    if (round === undefined) return;
    const stats = buildRoundStats(round, this.options);
    const kills = summarizeMatch({ ...timeline, rounds: [round] }, []).rounds[0]?.kills ?? 0;
    const record: LiveRoundRecord = {
      number: round.number,
      teams: stats.teams,
      players: Object.values(stats.players).map(compact),
      kills,
    };
    const rounds = this.state.rounds.filter((kept) => kept.number !== record.number);
    rounds.push(record);
    rounds.sort((first, second) => first.number - second.number);
    this.state.rounds = rounds;
    this.changed.add(record.number);
  }

  private dropRoundsFrom(number: number): void {
    const open = this.state.open;
    const dropsOpen = open !== null && open.number >= number;
    const dropsRecords = this.state.rounds.some((record) => record.number >= number);
    if (!dropsOpen && !dropsRecords) return;
    if (dropsOpen) this.state.open = null;
    this.state.rounds = this.state.rounds.filter((record) => record.number < number);
    for (const round of this.changed) if (round >= number) this.changed.delete(round);
    if (dropsRecords) this.voidedFrom = Math.min(this.voidedFrom ?? number, number);
  }

  private flush(): void {
    const matchId = this.state.matchId;
    if (matchId === null) return;
    if (this.voidedFrom !== null) {
      const lastKept = this.voidedFrom - 1;
      this.outbox.push({
        matchId,
        round: lastKept,
        players: this.totalsThrough(lastKept),
        roundPlayers: [],
        kills: 0,
        voidedFrom: this.voidedFrom,
      });
    }
    for (const number of [...this.changed].sort((first, second) => first - second)) {
      const record = this.state.rounds.find((kept) => kept.number === number);
      if (record === undefined) continue;
      this.outbox.push({
        matchId,
        round: number,
        players: this.totalsThrough(number),
        roundPlayers: Object.values(expand(record).players),
        kills: record.kills,
      });
    }
    this.voidedFrom = null;
    this.changed.clear();
  }

  private totalsThrough(lastRound: number): PlayerMatchStats[] {
    const rounds = this.state.rounds.filter((record) => record.number <= lastRound).map(expand);
    return aggregateMatchStats(rounds, playersOf(rounds, this.state.names));
  }
}

/**
 * The match's players as the timeline lists them: everyone on a playing side in a round, in the
 * order they first played, with the team of the last round they played.
 */
function playersOf(rounds: readonly RoundStats[], names: Readonly<Record<string, string>>): TimelinePlayer[] {
  const teams = new Map<string, string>();
  for (const round of rounds) {
    for (const player of Object.values(round.players)) {
      if (player.side !== null) teams.set(player.steamId, round.teams[player.side]);
    }
  }
  return [...teams].map(([steamId, team]) => ({ steamId, name: names[steamId] ?? steamId, team }));
}
