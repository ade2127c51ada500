import { applyEvent } from '../../domain/match/engine.ts';
import { createServerState, type ServerState } from '../../domain/match/engine-state.ts';
import type { MatchEffect } from '../../domain/match/match-effects.ts';
import { teamSummaries } from '../../domain/match/teams.ts';
import type { MatchPatch } from '../../ports/index.ts';
import type { EngineDriver, EngineInput, EngineStep, WorkerEffect } from './engine-driver.ts';

type MatchStatus = 'warmup' | 'live' | 'finished' | 'abandoned';

function statusOfPhase(phase: string): MatchStatus {
  if (phase === 'warmup') return 'warmup';
  if (phase === 'game_over') return 'finished';
  return 'live';
}

/** The teams (with their current scores) of the match in progress, when it is `matchId`. */
function teamsOf(matchId: string, state: ServerState): { teams?: unknown } {
  return state.match?.id === matchId && state.match.teamsFixed ? { teams: teamSummaries(state.match) } : {};
}

/** Turns the engine's effects into the rows the worker writes. */
export function rowsOf(effect: MatchEffect, state: ServerState): WorkerEffect[] {
  const match = (patch: MatchPatch): WorkerEffect => ({ kind: 'match', patch });
  switch (effect.type) {
    case 'match_started':
      return [
        match({
          id: effect.matchId,
          serverId: effect.serverId,
          externalId: effect.externalId,
          map: effect.map,
          tag: effect.tag,
          status: statusOfPhase(state.match?.id === effect.matchId ? state.match.flow.phase : 'live'),
          teams: [],
          score: {},
          startedAt: effect.startedAt,
          endedAt: null,
        }),
      ];
    case 'match_updated':
      return [match({ id: effect.matchId, map: effect.map, tag: effect.tag, externalId: effect.externalId })];
    case 'phase_changed':
      return effect.to === 'game_over'
        ? []
        : [match({ id: effect.matchId, status: statusOfPhase(effect.to) })];
    case 'teams_changed':
      return [match({ id: effect.matchId, teams: effect.teams })];
    case 'round_started':
      return [
        {
          kind: 'round',
          row: {
            matchId: effect.matchId,
            number: effect.roundNumber,
            winnerSide: null,
            winnerTeam: null,
            reason: null,
            scoreAfter: {},
            startedAt: effect.startedAt,
            endedAt: null,
          },
        },
      ];
    case 'round_ended':
      return [
        {
          kind: 'round',
          row: {
            matchId: effect.matchId,
            number: effect.roundNumber,
            winnerSide: effect.winnerSide,
            winnerTeam: effect.winnerTeam,
            reason: effect.reason,
            scoreAfter: effect.score,
            startedAt: effect.startedAt,
            endedAt: effect.endedAt,
          },
        },
        match({ id: effect.matchId, score: effect.score, ...teamsOf(effect.matchId, state) }),
      ];
    case 'rounds_voided':
      return [
        { kind: 'round_void', matchId: effect.matchId, fromRound: effect.fromRound, at: effect.at },
        match({ id: effect.matchId, score: effect.score, ...teamsOf(effect.matchId, state) }),
      ];
    case 'match_ended':
      return [
        match({ id: effect.matchId, status: effect.status, endedAt: effect.endedAt, score: effect.score }),
      ];
    case 'player_seen': {
      const rows: WorkerEffect[] = [
        {
          kind: 'match_player',
          row: { matchId: effect.matchId, steamId: effect.steamId, team: effect.team },
        },
      ];
      if (effect.name) rows.push({ kind: 'player', row: { steamId: effect.steamId, name: effect.name } });
      return rows;
    }
    default: {
      const unexpected: never = effect;
      throw new TypeError(`unknown match effect ${JSON.stringify(unexpected)}`);
    }
  }
}

/** The match engine of `shared/domain/match`, as the worker drives it. */
export const matchEngineDriver: EngineDriver<ServerState> = {
  createState: (serverId) => createServerState(serverId),
  apply(state: ServerState, input: EngineInput): EngineStep {
    const step = applyEvent(state, input);
    if (step.effects.length === 0) return { enriched: step.enriched, effects: [] };
    return { enriched: step.enriched, effects: step.effects.flatMap((effect) => rowsOf(effect, state)) };
  },
  currentMatchId: (state) => state.match?.id ?? null,
};
