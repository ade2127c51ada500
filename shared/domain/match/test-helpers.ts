/**
 * Test-only: a scripted CS2 server for engine tests. It plays rounds the way the game reports
 * them (sides, scores by side, halftime switches, restores), applies every event to a real engine
 * and keeps each step for the test to assess. Not exported from the package index.
 */
import type { AnyEvent, EventOf, GameEvent, PlayingSide, RoundEndReason } from '../events/index.ts';
import { applyEvent, type EngineStep } from './engine.ts';
import { createServerState, type EngineOptions, type ServerState } from './engine-state.ts';
import type { EnrichedEvent } from './enrichment.ts';
import type { MatchEffect } from './match-effects.ts';

export type TeamId = 'alpha' | 'bravo';

export const ROSTERS: Readonly<Record<TeamId, readonly string[]>> = {
  alpha: [
    '76561198000000001',
    '76561198000000002',
    '76561198000000003',
    '76561198000000004',
    '76561198000000005',
  ],
  bravo: [
    '76561198000000011',
    '76561198000000012',
    '76561198000000013',
    '76561198000000014',
    '76561198000000015',
  ],
};
export const TEAM_NAMES: Readonly<Record<TeamId, string>> = { alpha: 'Alpha', bravo: 'Bravo' };

/** An event without its time: the script stamps it. */
type Unstamped<E> = E extends unknown ? Omit<E, 'ts'> & { ts?: number } : never;
export type ScriptEvent =
  | Unstamped<GameEvent>
  | (Omit<Extract<AnyEvent, { unknown: true }>, 'ts'> & { ts?: number });

export interface RoundPlay {
  winner: TeamId;
  reason?: RoundEndReason;
  /** Kills in order: [killer, victim] SteamIDs. */
  kills?: [string, string][];
  weapon?: string;
  /** Kills after the round was won, before it officially ended. */
  postRoundKills?: [string, string][];
  /** No `round_officially_ended` (log feeds do not have it). */
  noOfficialEnd?: boolean;
}

export class ScriptedServer {
  readonly state: ServerState;
  readonly steps: EngineStep[] = [];
  ts = 1_000_000;
  session = 'session-1';
  seq = 0;
  /** The game's own view: sides and score by team, as the server would report them. */
  sides: Record<TeamId, PlayingSide> = { alpha: 'CT', bravo: 'T' };
  score: Record<TeamId, number> = { alpha: 0, bravo: 0 };
  matchTag: string | undefined;
  externalMatchId: string | undefined;

  constructor(serverId = 'srv-1', options: Partial<EngineOptions> = {}) {
    this.state = createServerState(serverId, options);
  }

  /** Applies one event (stamped 1 s after the previous one unless it has a `ts`). */
  send(event: ScriptEvent): EngineStep {
    this.ts = event.ts ?? this.ts + 1000;
    this.seq += 1;
    const input = {
      key: { server: this.state.serverId, session: this.session, seq: this.seq, index: 0 },
      event: { ...event, ts: this.ts } as AnyEvent,
      ...(this.matchTag === undefined ? {} : { matchTag: this.matchTag }),
      ...(this.externalMatchId === undefined ? {} : { externalMatchId: this.externalMatchId }),
    };
    const step = applyEvent(this.state, input);
    // The engine hands out its enrichment; keep a copy as the worker would store it.
    this.steps.push(structuredClone(step));
    return step;
  }

  sendAll(events: ScriptEvent[]): EngineStep[] {
    return events.map((event) => this.send(event));
  }

  /** Map load, players connected on their sides, team names. */
  loadMap(map = 'de_mirage'): void {
    this.send({ type: 'map_start', map });
    for (const team of ['alpha', 'bravo'] as const) {
      for (const [index, steamId] of ROSTERS[team].entries()) {
        this.send({ type: 'player_connect', steamId, name: `${TEAM_NAMES[team]}${index + 1}` });
        this.send({ type: 'player_team', steamId, side: this.sides[team] });
      }
    }
    this.sendTeamNames();
  }

  sendTeamNames(): void {
    const ctTeam: TeamId = this.sides.alpha === 'CT' ? 'alpha' : 'bravo';
    this.send({ type: 'team_names', ct: TEAM_NAMES[ctTeam], t: TEAM_NAMES[other(ctTeam)] });
  }

  /** Everyone switches sides, as at halftime. */
  switchSides(options: { teamNames?: boolean } = {}): void {
    this.sides = { alpha: this.sides.bravo, bravo: this.sides.alpha };
    for (const team of ['alpha', 'bravo'] as const) {
      for (const steamId of ROSTERS[team])
        this.send({ type: 'player_team', steamId, side: this.sides[team] });
    }
    if (options.teamNames !== false) this.sendTeamNames();
  }

  /** One round, as the game reports it. Returns the steps of its events. */
  playRound(play: RoundPlay): EngineStep[] {
    const first = this.steps.length;
    this.send({ type: 'round_start' });
    this.send({ type: 'round_freeze_end' });
    for (const [attacker, victim] of play.kills ?? []) this.kill(attacker, victim, play.weapon);
    this.score[play.winner] += 1;
    const winnerSide = this.sides[play.winner];
    this.send({
      type: 'round_end',
      winner: winnerSide,
      reason: play.reason ?? (winnerSide === 'CT' ? 'ct_win' : 't_win'),
      ...this.scoreBySide(),
    });
    for (const [attacker, victim] of play.postRoundKills ?? []) this.kill(attacker, victim, play.weapon);
    if (play.noOfficialEnd !== true) this.send({ type: 'round_officially_ended' });
    return this.steps.slice(first);
  }

  kill(attacker: string, victim: string, weapon = 'ak47'): EngineStep {
    this.send({ type: 'player_hurt', attacker, victim, weapon, dmgHealth: 100, health: 0 });
    return this.send({ type: 'player_death', attacker, victim, weapon, headshot: true });
  }

  scoreBySide(): { scoreCT: number; scoreT: number } {
    const ctTeam: TeamId = this.sides.alpha === 'CT' ? 'alpha' : 'bravo';
    return { scoreCT: this.score[ctTeam], scoreT: this.score[other(ctTeam)] };
  }

  /** The game's score after a backup of `rounds` completed rounds is loaded. */
  setScore(score: Record<TeamId, number>): void {
    this.score = { ...score };
  }

  effects(): MatchEffect[] {
    return this.steps.flatMap((step) => [...step.effects]);
  }

  effectsOf<T extends MatchEffect['type']>(type: T): Extract<MatchEffect, { type: T }>[] {
    return this.effects().filter(
      (effect): effect is Extract<MatchEffect, { type: T }> => effect.type === type,
    );
  }

  enriched(): EnrichedEvent[] {
    return this.steps.map((step) => step.enriched);
  }

  last(): EngineStep {
    const step = this.steps.at(-1);
    if (step === undefined) throw new Error('no event sent yet');
    return step;
  }
}

export function other(team: TeamId): TeamId {
  return team === 'alpha' ? 'bravo' : 'alpha';
}

/** `alpha[0]` kills `bravo[0]`, etc.: the first `count` players of the winner kill the loser's. */
export function killsBy(winner: TeamId, count: number): [string, string][] {
  const loser = other(winner);
  return Array.from({ length: count }, (_, index): [string, string] => [
    ROSTERS[winner][index % 5] ?? '',
    ROSTERS[loser][index % 5] ?? '',
  ]);
}

export function isDeath(event: AnyEvent): event is EventOf<'player_death'> {
  return event.type === 'player_death' && !('unknown' in event);
}
