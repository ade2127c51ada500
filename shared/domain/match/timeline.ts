/**
 * From enriched events to a {@link MatchTimeline}: the live rounds of one match as they really
 * happened. The engine already decided everything (round numbers, exclusions, sides, results); this
 * is a fold over its enrichment: `voidsRoundsFrom` drops rounds that a restore, restart or replay
 * voided, `roundStart` opens a round, `roundEnd` closes it, excluded events are left out.
 * Works on the live stream and on stored events read back in order alike.
 */
import { isKnownEvent, type PlayingSide, type RoundEndReason } from '../events/index.ts';
import type { EnrichedEvent, TeamKey } from './enrichment.ts';

/** One live round of a match as it really happened (voided attempts replaced by their replay). */
export interface TimelineRound {
  /** 1-based live round number. */
  number: number;
  /** Team names by side during this round. */
  teams: { CT: string; T: string };
  /** Side of every player who was on a playing side during this round, by SteamID64. */
  sides: Record<string, PlayingSide>;
  winnerSide: PlayingSide | null;
  winnerTeam: string | null;
  reason: RoundEndReason | null;
  startedAt: number;
  endedAt: number | null;
  /** Score by team name after this round. */
  scoreAfter: Record<string, number>;
  /** The round's events in order, post-round ones included (they carry `isPostRound`). */
  events: EnrichedEvent[];
}

export type MatchStatus = 'warmup' | 'live' | 'finished' | 'abandoned';

export interface TimelineTeam {
  name: string;
  /** The side the team played in round 1. */
  startSide: PlayingSide;
  score: number;
}

export interface TimelinePlayer {
  steamId: string;
  name: string;
  /** Team name (teams are followed across side swaps). */
  team: string | null;
}

/** A match reduced to its live rounds: the input to statistics and to the MatchSummary. */
export interface MatchTimeline {
  matchId: string;
  map: string | null;
  status: MatchStatus;
  teams: TimelineTeam[];
  players: TimelinePlayer[];
  rounds: TimelineRound[];
}

export interface TimelineOptions {
  /** The match to build; default: the first match id met (events of other matches are skipped). */
  matchId?: string;
  /** Event types not to keep in rounds (e.g. `positions` when only statistics are wanted). */
  dropEventTypes?: ReadonlySet<string>;
  /** The status, when the caller knows better (e.g. `abandoned`: the server moved on). */
  status?: MatchStatus;
}

interface RoundDraft {
  number: number;
  ctTeam: TeamKey;
  sides: Record<string, PlayingSide>;
  startedAt: number;
  endedAt: number | null;
  winnerSide: PlayingSide | null;
  reason: TimelineRound['reason'];
  events: EnrichedEvent[];
}

const DEFAULT_NAMES: Readonly<Record<TeamKey, string>> = { A: 'Team A', B: 'Team B' };

/** Builds a timeline event by event (the worker can keep one per live match). */
export class TimelineBuilder {
  private matchId: string | null;
  private readonly dropEventTypes: ReadonlySet<string> | undefined;
  private readonly statusOverride: MatchStatus | undefined;
  private map: string | null = null;
  private gameOver = false;
  private teamNames: Record<TeamKey, string> = { ...DEFAULT_NAMES };
  private readonly playerNames = new Map<string, string>();
  private rounds: RoundDraft[] = [];

  constructor(options: TimelineOptions = {}) {
    this.matchId = options.matchId ?? null;
    this.dropEventTypes = options.dropEventTypes;
    this.statusOverride = options.status;
  }

  add(enriched: EnrichedEvent): void {
    const { event, enrichment } = enriched;
    if (enrichment.matchId === null) return;
    if (this.matchId === null) this.matchId = enrichment.matchId;
    else if (enrichment.matchId !== this.matchId) return;

    // Match-wide facts come from every event of the match, excluded or not (names are set in warmup).
    if (isKnownEvent(event)) {
      if (event.type === 'map_start') this.map = event.map;
      else if (event.type === 'player_connect') this.playerNames.set(event.steamId, event.name);
    }
    if (enrichment.phase === 'game_over') this.gameOver = true;
    if (enrichment.voidsRoundsFrom !== undefined) this.dropRoundsFrom(enrichment.voidsRoundsFrom);
    const roundStart = enrichment.roundStart;
    if (roundStart !== undefined) {
      this.dropRoundsFrom(roundStart.number);
      this.teamNames = { ...roundStart.teamNames };
      this.rounds.push({
        number: roundStart.number,
        ctTeam: roundStart.ctTeam,
        sides: { ...roundStart.sides },
        startedAt: event.ts,
        endedAt: null,
        winnerSide: null,
        reason: null,
        events: [],
      });
    }
    if (enrichment.excluded) return;

    const round = this.rounds.at(-1);
    if (round === undefined || round.number !== enrichment.roundNumber) return;
    const inPlay = round.endedAt === null;
    if (inPlay && isKnownEvent(event) && (event.type === 'player_team' || event.type === 'player_spawn')) {
      // Someone who joins a round in play is part of it (not someone who joins after it was won).
      const side = event.side;
      if ((side === 'CT' || side === 'T') && round.sides[event.steamId] === undefined)
        round.sides[event.steamId] = side;
    }
    const roundEnd = enrichment.roundEnd;
    if (roundEnd !== undefined && roundEnd.number === round.number) {
      round.ctTeam = roundEnd.ctTeam;
      round.winnerSide = roundEnd.winnerSide;
      round.reason = roundEnd.reason;
      round.endedAt = event.ts;
    }
    if (this.dropEventTypes?.has(event.type) !== true) round.events.push(enriched);
  }

  build(): MatchTimeline {
    const names = this.teamNames;
    const score: Record<TeamKey, number> = { A: 0, B: 0 };
    const playerTeams = new Map<string, TeamKey>();
    const rounds: TimelineRound[] = this.rounds.map((draft) => {
      const tTeam: TeamKey = draft.ctTeam === 'A' ? 'B' : 'A';
      let winnerTeam: string | null = null;
      if (draft.winnerSide !== null) {
        const winner = draft.winnerSide === 'CT' ? draft.ctTeam : tTeam;
        score[winner] += 1;
        winnerTeam = names[winner];
      }
      for (const [steamId, side] of Object.entries(draft.sides)) {
        playerTeams.set(steamId, side === 'CT' ? draft.ctTeam : tTeam);
      }
      return {
        number: draft.number,
        teams: { CT: names[draft.ctTeam], T: names[tTeam] },
        sides: draft.sides,
        winnerSide: draft.winnerSide,
        winnerTeam,
        reason: draft.reason,
        startedAt: draft.startedAt,
        endedAt: draft.endedAt,
        scoreAfter: { [names.A]: score.A, [names.B]: score.B },
        events: draft.events,
      };
    });
    const teams: TimelineTeam[] =
      rounds.length === 0
        ? []
        : [
            { name: names.A, startSide: 'CT', score: score.A },
            { name: names.B, startSide: 'T', score: score.B },
          ];
    const players: TimelinePlayer[] = [];
    // The match's players are those who played a live round (not spectators, casters or coaches).
    for (const [steamId, team] of playerTeams) {
      players.push({ steamId, name: this.playerNames.get(steamId) ?? steamId, team: names[team] });
    }
    return {
      matchId: this.matchId ?? '',
      map: this.map,
      status: this.statusOverride ?? this.status(),
      teams,
      players,
      rounds,
    };
  }

  private status(): MatchStatus {
    if (this.gameOver) return 'finished';
    return this.rounds.length > 0 ? 'live' : 'warmup';
  }

  /** Rounds are in order: voided ones are the tail. */
  private dropRoundsFrom(number: number): void {
    while (this.rounds.length > 0 && (this.rounds.at(-1)?.number ?? 0) >= number) this.rounds.pop();
  }
}

/**
 * The timeline of one match from its enriched events, in the order they were applied. Rounds are
 * the live rounds only; knife, warmup, pre-restart and voided attempts are gone.
 */
export function buildTimeline(
  enriched: Iterable<EnrichedEvent>,
  options: TimelineOptions = {},
): MatchTimeline {
  const builder = new TimelineBuilder(options);
  for (const event of enriched) builder.add(event);
  return builder.build();
}
