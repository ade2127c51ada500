/**
 * Test-only factories for statistics tests: typed events with sensible defaults and hand-built
 * timeline rounds. Not exported from the package index.
 */
import type { AnyEvent, EventOf, PlayingSide } from '../events/index.ts';
import type { EnrichedEvent } from '../match/enrichment.ts';
import { applyEvent, buildTimeline, createServerState } from '../match/index.ts';
import type { MatchTimeline, TimelineRound } from '../match/timeline.ts';

/** Two small teams used by hand-built rounds: a1..a5 play CT, b1..b5 play T. */
export const CT_PLAYERS = ['a1', 'a2', 'a3', 'a4', 'a5'] as const;
export const T_PLAYERS = ['b1', 'b2', 'b3', 'b4', 'b5'] as const;
export const TEAM_A = 'Alpha';
export const TEAM_B = 'Bravo';

/** Sides of a 5v5 where the `a` players are CT. */
export function fiveVsFive(): Record<string, PlayingSide> {
  const sides: Record<string, PlayingSide> = {};
  for (const steamId of CT_PLAYERS) sides[steamId] = 'CT';
  for (const steamId of T_PLAYERS) sides[steamId] = 'T';
  return sides;
}

type DeathFields = Omit<EventOf<'player_death'>, 'type' | 'ts' | 'weapon'> & { weapon?: string };

export function death(ts: number, fields: DeathFields): EventOf<'player_death'> {
  return { type: 'player_death', ts, weapon: 'ak47', ...fields };
}

type HurtFields = Omit<EventOf<'player_hurt'>, 'type' | 'ts' | 'weapon'> & { weapon?: string };

export function hurt(ts: number, fields: HurtFields): EventOf<'player_hurt'> {
  return { type: 'player_hurt', ts, weapon: 'ak47', ...fields };
}

export function blind(
  ts: number,
  attacker: string,
  victim: string,
  duration: number,
): EventOf<'player_blind'> {
  return { type: 'player_blind', ts, attacker, victim, duration };
}

/** Wraps a bare event as the engine would store it in a live round. */
export function enriched(
  event: AnyEvent,
  roundNumber = 1,
  overrides: Partial<EnrichedEvent['enrichment']> = {},
  index = 0,
): EnrichedEvent {
  return {
    key: { server: 'srv', session: 'test', seq: 1, index },
    event,
    enrichment: {
      matchId: 'match-1',
      roundNumber,
      phase: 'live',
      isPostRound: false,
      matchTag: null,
      excluded: false,
      unknownType: false,
      ...overrides,
    },
  };
}

export interface RoundSpec {
  number?: number;
  sides?: Record<string, PlayingSide>;
  winnerSide?: PlayingSide | null;
  /** Team names by side; defaults to Alpha on CT. */
  teams?: { CT: string; T: string };
  events: AnyEvent[];
  /** Events that happen after the round was won (flagged `isPostRound`). */
  postRound?: AnyEvent[];
}

/** A live timeline round built from bare events, as the engine would hand it to statistics. */
export function round(spec: RoundSpec): TimelineRound {
  const number = spec.number ?? 1;
  const teams = spec.teams ?? { CT: TEAM_A, T: TEAM_B };
  const winnerSide = spec.winnerSide === undefined ? 'CT' : spec.winnerSide;
  const events = [
    ...spec.events.map((event, index) => enriched(event, number, {}, index)),
    ...(spec.postRound ?? []).map((event, index) =>
      enriched(event, number, { isPostRound: true, phase: 'round_end' }, spec.events.length + index),
    ),
  ];
  const timestamps = events.map((entry) => entry.event.ts);
  return {
    number,
    teams,
    sides: spec.sides ?? fiveVsFive(),
    winnerSide,
    winnerTeam: winnerSide === null ? null : teams[winnerSide],
    reason: winnerSide === null ? null : winnerSide === 'CT' ? 'ct_win' : 't_win',
    startedAt: 0,
    endedAt: timestamps.length > 0 ? Math.max(...timestamps) : 0,
    scoreAfter: {},
    events,
  };
}

/** Parses a JSON-lines event file (trusted test fixture) into events. */
export function parseJsonLines(text: string): AnyEvent[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as AnyEvent);
}

/**
 * The timeline of a recorded match, as the worker would build it: every event through the match
 * engine (one frame per event, in order), then the engine's {@link buildTimeline}.
 */
export function timelineFromEvents(events: AnyEvent[]): MatchTimeline {
  const state = createServerState('fixture');
  const enrichedEvents = events.map(
    (event, index) =>
      applyEvent(state, { key: { server: 'fixture', session: 'recording', seq: index + 1, index: 0 }, event })
        .enriched,
  );
  return buildTimeline(enrichedEvents);
}
