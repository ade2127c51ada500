/**
 * The match engine: applies one event at a time to a server's {@link ServerState} and returns the
 * event enriched (DESIGN.md section 5) with the rows the worker must write ({@link MatchEffect}).
 *
 * `applyEvent` mutates the state in place and returns it, for speed (the worker applies tens of
 * thousands of events a second; positions are the bulk and take the short path). The state holds
 * plain data only, so `JSON.parse(JSON.stringify(state))` resumes exactly. Same state and same
 * input give the same output: no clock, no randomness; match ids come from event keys.
 */
import {
  type AnyEvent,
  type EventOf,
  type GameEvent,
  isKnownEvent,
  type PlayingSide,
} from '../events/index.ts';
import { RoundKillTracker } from '../stats/kill-tracker.ts';
import type { MatchState, PlayerState, ServerState } from './engine-state.ts';
import type {
  EnrichedEvent,
  Enrichment,
  EventKey,
  KillFlags,
  Phase,
  RoundEndInfo,
  RoundStartInfo,
  TeamKey,
} from './enrichment.ts';
import { isWeaponOfKnifeRound } from './knife.ts';
import type { MatchEffect, VoidReason } from './match-effects.ts';
import { deriveMatchId } from './match-id.ts';
import { isDecided } from './match-rules.ts';
import {
  type FlowEvent,
  initialPhaseState,
  isFlowEvent,
  nextPhase,
  type PhaseAction,
  type ResetReason,
} from './phase.ts';
import {
  applySideNames,
  isGenericTeamName,
  otherTeam,
  resolveCtTeam,
  scoreByName,
  teamName,
  teamOnSide,
  teamSummaries,
  voteCtTeam,
} from './teams.ts';

export interface EngineInput {
  key: EventKey;
  event: AnyEvent;
  /** The frame's operator label (`tag`). */
  matchTag?: string;
  /** The frame's external match id (`match`, from MatchZy or get5). */
  externalMatchId?: string;
}

export interface EngineStep {
  /** The same object that was passed in, updated. */
  state: ServerState;
  enriched: EnrichedEvent;
  effects: readonly MatchEffect[];
  /** Why a flow event changed nothing (a duplicate `round_start`, an `unpause` while not paused…), for logs. */
  ignored?: string;
}

const NO_EFFECTS: readonly MatchEffect[] = Object.freeze([]);

/** Events with nothing to do but be enriched: the hot path (positions are most of the stream). */
const HANDLED_TYPES: ReadonlySet<string> = new Set([
  'team_names',
  'player_connect',
  'player_disconnect',
  'player_team',
  'player_spawn',
  'player_hurt',
  'player_death',
  'weapon_fire',
  'grenade_thrown',
  'bomb_planted',
]);

/** Events that open a match on a server that has none. */
const OPENS_FIRST_MATCH: ReadonlySet<string> = new Set([
  'map_start',
  'warmup_start',
  'match_start',
  'game_restart',
  'round_start',
]);

/** Events that open the next match once the last one is over (`round_start` alone does not). */
const OPENS_NEXT_MATCH: ReadonlySet<string> = new Set([
  'map_start',
  'warmup_start',
  'match_start',
  'game_restart',
]);

const VOID_REASON_OF_RESET: Readonly<Record<ResetReason, VoidReason>> = {
  restart: 'restart',
  warmup: 'warmup',
  map_start: 'map_start',
};

/** What one event produced, gathered while it is applied. */
interface Step {
  state: ServerState;
  input: EngineInput;
  effects: MatchEffect[] | null;
  ignored: string | null;
  voidsRoundsFrom: number | null;
  roundStart: RoundStartInfo | null;
  roundEnd: RoundEndInfo | null;
  kill: KillFlags | null;
  /** Excluded whatever the phase (the respawn deaths of a backup restore). */
  excludedEvent: boolean;
}

/**
 * Applies one event. Events must come in order per `(server, session)` (the worker's sequencer
 * sees to it); the engine itself never throws on expected input.
 */
export function applyEvent(state: ServerState, input: EngineInput): EngineStep {
  const { event, key } = input;
  if (state.session !== key.session) {
    // A plugin restart: the match goes on, and what the new session re-announces is no reset.
    if (state.session !== null && state.match !== null) state.match.resyncing = true;
    state.session = key.session;
  }
  const known = isKnownEvent(event);
  const handled = known && (HANDLED_TYPES.has(event.type) || isFlowEvent(event));
  if (!handled && !changesFrameIds(state.match, input)) {
    return {
      state,
      enriched: { key, event, enrichment: enrich(state, input, !known, false) },
      effects: NO_EFFECTS,
    };
  }
  return applyHandled(state, input, known);
}

function changesFrameIds(match: MatchState | null, input: EngineInput): boolean {
  if (match === null) return false;
  if (input.externalMatchId !== undefined && input.externalMatchId !== match.externalId) return true;
  return input.matchTag !== undefined && match.tag === null;
}

function applyHandled(state: ServerState, input: EngineInput, known: boolean): EngineStep {
  const step: Step = {
    state,
    input,
    effects: null,
    ignored: null,
    voidsRoundsFrom: null,
    roundStart: null,
    roundEnd: null,
    kill: null,
    excludedEvent: false,
  };
  followFrameIds(step);
  const event = input.event;
  if (known && isKnownEvent(event)) {
    if (isFlowEvent(event)) applyFlow(step, event);
    else if (state.match !== null) applyPlayerEvent(step, state.match, event);
  }
  const enrichment = enrich(state, input, !known, step.excludedEvent);
  if (step.voidsRoundsFrom !== null) enrichment.voidsRoundsFrom = step.voidsRoundsFrom;
  if (step.roundStart !== null) enrichment.roundStart = step.roundStart;
  if (step.roundEnd !== null) enrichment.roundEnd = step.roundEnd;
  if (step.kill !== null) enrichment.kill = step.kill;
  const result: EngineStep = {
    state,
    enriched: { key: input.key, event, enrichment },
    effects: step.effects ?? NO_EFFECTS,
  };
  if (step.ignored !== null) result.ignored = step.ignored;
  return result;
}

/** The round in progress (never the next one): the last completed round between rounds, 0 before the first. */
function currentRoundNumber(match: MatchState): number {
  const flow = match.flow;
  if (flow.knifeRound) return 0;
  return flow.round === 'active' ? flow.roundsPlayed + 1 : flow.roundsPlayed;
}

function enrich(
  state: ServerState,
  input: EngineInput,
  unknownType: boolean,
  excludedEvent: boolean,
): Enrichment {
  const match = state.match;
  if (match === null) {
    return {
      matchId: null,
      roundNumber: 0,
      phase: 'warmup',
      isPostRound: false,
      matchTag: input.matchTag ?? null,
      excluded: true,
      unknownType,
    };
  }
  const roundNumber = currentRoundNumber(match);
  return {
    matchId: match.id,
    roundNumber,
    phase: match.flow.phase,
    isPostRound: match.flow.round === 'won',
    matchTag: input.matchTag ?? match.tag,
    excluded: excludedEvent || isExcluded(match, roundNumber),
    unknownType,
  };
}

/** Not part of the match's rounds: warmup, knife round, before the first round, after game over, a restore's aftermath. */
function isExcluded(match: MatchState, roundNumber: number): boolean {
  const flow = match.flow;
  if (flow.knifeRound || roundNumber === 0) return true;
  if (match.restoring && flow.round !== 'active') return true;
  return isOutsidePlay(flow.phase === 'paused' ? (flow.resumePhase ?? 'live') : flow.phase);
}

function isOutsidePlay(phase: Phase): boolean {
  switch (phase) {
    case 'warmup':
    case 'knife':
    case 'game_over':
      return true;
    case 'live':
    case 'paused':
    case 'round_end':
    case 'halftime':
    case 'overtime':
      return false;
    default: {
      const unexpected: never = phase;
      throw new TypeError(`unknown phase ${String(unexpected)}`);
    }
  }
}

function emit(step: Step, effect: MatchEffect): void {
  if (step.effects === null) step.effects = [effect];
  else step.effects.push(effect);
}

/** The frame's external match id and tag: a different external id is a different match. */
function followFrameIds(step: Step): void {
  const { externalMatchId, matchTag } = step.input;
  let match = step.state.match;
  if (match === null) return;
  if (externalMatchId !== undefined && match.externalId !== null && match.externalId !== externalMatchId) {
    closeMatch(step, match, step.input.event.ts);
    match = openMatch(step, null);
  }
  let updated = false;
  if (externalMatchId !== undefined && match.externalId === null) {
    match.externalId = externalMatchId;
    updated = true;
  }
  if (matchTag !== undefined && match.tag === null) {
    match.tag = matchTag;
    updated = true;
  }
  if (updated) {
    emit(step, {
      type: 'match_updated',
      matchId: match.id,
      map: match.map,
      tag: match.tag,
      externalId: match.externalId,
    });
  }
}

function applyFlow(step: Step, event: FlowEvent): void {
  let match = step.state.match;
  if (match === null) {
    if (!OPENS_FIRST_MATCH.has(event.type) && !isGameCommencing(event)) {
      step.ignored = 'no match on this server yet';
      return;
    }
    match = openMatch(step, event);
  } else if (match.flow.phase === 'game_over') {
    if (!OPENS_NEXT_MATCH.has(event.type) && !isGameCommencing(event)) {
      step.ignored = 'the match is over';
      return;
    }
    match = openMatch(step, event);
  } else if (event.type === 'map_start') {
    if (match.resyncing && event.map === match.map) {
      step.ignored = 'plugin restarted on the same map: the match goes on';
      return;
    }
    closeMatch(step, match, event.ts);
    match = openMatch(step, event);
  } else if (event.type === 'match_start' && match.resyncing) {
    step.ignored = 'plugin restarted: match_start re-announced, the match goes on';
    return;
  }
  match.resyncing = false;

  const before = match.flow.phase;
  const transition = nextPhase(match.flow, event);
  if (!transition.ok) {
    step.ignored = transition.reason;
    return;
  }
  match.flow = transition.state;
  applyAction(step, match, transition.action, event);
  match.flow.scoreTotal = match.score.A + match.score.B;
  if (match.flow.phase !== before) {
    emit(step, {
      type: 'phase_changed',
      matchId: match.id,
      from: before,
      to: match.flow.phase,
      at: event.ts,
    });
  }
}

function isGameCommencing(event: FlowEvent): boolean {
  return event.type === 'round_end' && event.reason === 'game_commencing';
}

function applyAction(step: Step, match: MatchState, action: PhaseAction, event: FlowEvent): void {
  switch (action.type) {
    case 'none':
    case 'knife_round_won':
    case 'round_closed':
    case 'halftime':
    case 'paused':
    case 'unpaused':
      return;
    case 'reset':
      voidRounds(step, match, 1, VOID_REASON_OF_RESET[action.reason], event.ts);
      resetMatch(match);
      return;
    case 'round_started':
      startRound(step, match, action.number, event.ts);
      return;
    case 'knife_round_started':
      match.round = null;
      return;
    case 'round_replayed':
      voidRounds(step, match, action.number, 'round_replayed', event.ts);
      startRound(step, match, action.number, event.ts);
      return;
    case 'freeze_ended':
      match.restoring = false;
      return;
    case 'round_won':
      if (event.type === 'round_end') endRound(step, match, action.number, action.winner, event);
      match.restoring = false;
      return;
    case 'knife_round_found':
      voidRounds(step, match, 1, 'knife_round', event.ts);
      match.round = null;
      return;
    case 'restored':
      voidRounds(step, match, action.keepRounds + 1, action.source, event.ts);
      match.restoring = true;
      return;
    case 'game_over':
      match.restoring = false;
      emit(step, {
        type: 'match_ended',
        matchId: match.id,
        status: 'finished',
        endedAt: event.ts,
        score: scoreByName(match),
      });
      return;
    default: {
      const unexpected: never = action;
      throw new TypeError(`unhandled phase action ${JSON.stringify(unexpected)}`);
    }
  }
}

/**
 * Voids rounds from `fromRound` on (if any was started): their results go, the score rolls back,
 * and the event carries `voidsRoundsFrom` so stored events and rebuilt timelines drop them too.
 */
function voidRounds(step: Step, match: MatchState, fromRound: number, reason: VoidReason, at: number): void {
  const lastStarted = Math.max(match.results.length, match.round?.number ?? 0);
  if (lastStarted < fromRound) return;
  match.results.length = Math.min(match.results.length, fromRound - 1);
  match.score = { A: 0, B: 0 };
  for (const result of match.results) match.score[result.winnerTeam] += 1;
  if (match.round !== null && match.round.number >= fromRound) match.round = null;
  step.voidsRoundsFrom = fromRound;
  emit(step, { type: 'rounds_voided', matchId: match.id, fromRound, reason, at, score: scoreByName(match) });
}

/** After a restart or warmup: no rounds, no score, and the teams are fixed again by the next first round. */
function resetMatch(match: MatchState): void {
  match.results = [];
  match.score = { A: 0, B: 0 };
  match.round = null;
  match.restoring = false;
  match.teamsFixed = false;
  match.teamNames = { A: null, B: null };
  for (const steamId in match.players) {
    const player = match.players[steamId];
    if (player !== undefined) player.team = null;
  }
}

function startRound(step: Step, match: MatchState, number: number, startedAt: number): void {
  const rules = match.flow.rules;
  const { ctTeam, source } = resolveCtTeam(match, number, rules);
  if (!match.teamsFixed) {
    match.teamsFixed = true;
    applySideNames(match, ctTeam);
    emit(step, { type: 'teams_changed', matchId: match.id, teams: teamSummaries(match) });
  }
  const sides: Record<string, PlayingSide> = {};
  for (const steamId in match.players) {
    const player = match.players[steamId];
    if (player === undefined || !player.connected || (player.side !== 'CT' && player.side !== 'T')) continue;
    sides[steamId] = player.side;
    assignTeam(step, match, steamId, player, teamOnSide(ctTeam, player.side));
  }
  const tracker = new RoundKillTracker(sides, { tradeWindowMs: step.state.options.tradeWindowMs });
  match.round = { number, ctTeam, ctTeamSource: source, startedAt, sides, tracker: tracker.toJSON() };
  const names = { A: teamName(match, 'A'), B: teamName(match, 'B') };
  step.roundStart = { number, ctTeam, teamNames: names, sides: { ...sides } };
  emit(step, {
    type: 'round_started',
    matchId: match.id,
    roundNumber: number,
    startedAt,
    teams: { CT: names[ctTeam], T: names[otherTeam(ctTeam)] },
  });
}

function endRound(
  step: Step,
  match: MatchState,
  number: number,
  winnerSide: PlayingSide,
  event: EventOf<'round_end'>,
): void {
  const round = match.round;
  let ctTeam = round?.ctTeam ?? resolveCtTeam(match, number, match.flow.rules).ctTeam;
  if (round === null || round.ctTeamSource === 'schedule') {
    // Sides were only guessed: the score the game reports (by side) tells which team is which.
    if (
      !matchesReportedScore(match, ctTeam, winnerSide, event) &&
      matchesReportedScore(match, otherTeam(ctTeam), winnerSide, event)
    ) {
      ctTeam = otherTeam(ctTeam);
      if (round !== null) round.ctTeam = ctTeam;
    }
  }
  const winnerTeam = teamOnSide(ctTeam, winnerSide);
  match.score[winnerTeam] += 1;
  match.results.push({ number, winnerSide, winnerTeam, reason: event.reason });
  const scoreAfter = scoreByName(match);
  const winnerName = teamName(match, winnerTeam);
  step.roundEnd = { number, winnerSide, winnerTeam: winnerName, reason: event.reason, scoreAfter, ctTeam };
  emit(step, {
    type: 'round_ended',
    matchId: match.id,
    roundNumber: number,
    winnerSide,
    winnerTeam: winnerName,
    reason: event.reason,
    startedAt: round?.startedAt ?? event.ts,
    endedAt: event.ts,
    score: { ...scoreAfter },
  });
}

function matchesReportedScore(
  match: MatchState,
  ctTeam: TeamKey,
  winnerSide: PlayingSide,
  event: EventOf<'round_end'>,
): boolean {
  const winner = teamOnSide(ctTeam, winnerSide);
  const ctScore = match.score[ctTeam] + (winner === ctTeam ? 1 : 0);
  const tScore = match.score[otherTeam(ctTeam)] + (winner === ctTeam ? 0 : 1);
  return ctScore === event.scoreCT && tScore === event.scoreT;
}

/**
 * Opens a match at this event (its key makes the id). Players still on the server, the map (unless
 * a new one loads) and the last team names carry over from the previous match.
 */
function openMatch(step: Step, event: FlowEvent | null): MatchState {
  const { state, input } = step;
  const previous = state.match;
  const players: Record<string, PlayerState> = {};
  if (previous !== null) {
    for (const steamId in previous.players) {
      const player = previous.players[steamId];
      if (player?.connected)
        players[steamId] = { name: player.name, side: player.side, team: null, connected: true };
    }
  }
  const match: MatchState = {
    id: deriveMatchId(state.serverId, input.key),
    map: event?.type === 'map_start' ? event.map : (previous?.map ?? null),
    tag: input.matchTag ?? null,
    externalId: input.externalMatchId ?? null,
    startedAt: input.event.ts,
    flow: initialPhaseState(state.options.rules),
    sideNames: previous === null ? { CT: null, T: null } : { ...previous.sideNames },
    teamNames: { A: null, B: null },
    teamsFixed: false,
    score: { A: 0, B: 0 },
    results: [],
    round: null,
    players,
    restoring: false,
    resyncing: false,
  };
  state.match = match;
  emit(step, {
    type: 'match_started',
    matchId: match.id,
    serverId: state.serverId,
    map: match.map,
    tag: match.tag,
    externalId: match.externalId,
    startedAt: match.startedAt,
  });
  return match;
}

/** A match replaced before its game over: finished if the score had decided it, abandoned otherwise. */
function closeMatch(step: Step, match: MatchState, at: number): void {
  if (match.flow.phase === 'game_over') return;
  const decided = isDecided(match.score.A, match.score.B, match.flow.rules);
  emit(step, {
    type: 'match_ended',
    matchId: match.id,
    status: decided ? 'finished' : 'abandoned',
    endedAt: at,
    score: scoreByName(match),
  });
}

function applyPlayerEvent(step: Step, match: MatchState, event: GameEvent): void {
  switch (event.type) {
    case 'team_names':
      onTeamNames(step, match, event);
      return;
    case 'player_connect': {
      const player = playerOf(match, event.steamId);
      const isNew = player.name === null || !player.connected;
      player.connected = true;
      if (isNew || player.name !== event.name) {
        player.name = event.name;
        emitPlayerSeen(step, match, event.steamId, player);
      }
      return;
    }
    case 'player_disconnect': {
      const player = match.players[event.steamId];
      if (player !== undefined) player.connected = false;
      withTracker(match, (tracker) => tracker.onPlayerDisconnect(event));
      return;
    }
    case 'player_team':
      onSide(step, match, event.steamId, event.side);
      return;
    case 'player_spawn':
      if (event.side !== undefined) onSide(step, match, event.steamId, event.side);
      withTracker(match, (tracker) => tracker.onPlayerSpawn(event));
      return;
    case 'player_hurt':
      onCombat(step, match, event.attacker !== undefined && event.attacker !== event.victim, event.weapon);
      return;
    case 'player_death':
      onCombat(step, match, event.attacker !== undefined && event.attacker !== event.victim, event.weapon);
      onDeath(step, match, event);
      return;
    case 'weapon_fire':
      onCombat(step, match, true, event.weapon);
      return;
    case 'grenade_thrown':
      onCombat(step, match, true, event.grenade);
      return;
    case 'bomb_planted':
      onCombat(step, match, true, 'c4');
      return;
    default:
      return;
  }
}

function playerOf(match: MatchState, steamId: string): PlayerState {
  let player = match.players[steamId];
  if (player === undefined) {
    player = { name: null, side: null, team: null, connected: true };
    match.players[steamId] = player;
  }
  return player;
}

function emitPlayerSeen(step: Step, match: MatchState, steamId: string, player: PlayerState): void {
  emit(step, {
    type: 'player_seen',
    matchId: match.id,
    steamId,
    name: player.name,
    team: player.team === null ? null : teamName(match, player.team),
  });
}

function assignTeam(
  step: Step,
  match: MatchState,
  steamId: string,
  player: PlayerState,
  team: PlayerState['team'],
): void {
  if (player.team === team) return;
  player.team = team;
  emitPlayerSeen(step, match, steamId, player);
}

/**
 * A side change. Between rounds (halftime) everyone switches and keeps their team; a player who
 * joins a round in play is added to it, and a player with no team yet joins the team on that side.
 */
function onSide(step: Step, match: MatchState, steamId: string, side: PlayerState['side']): void {
  const player = playerOf(match, steamId);
  player.connected = true;
  player.side = side;
  const round = match.round;
  if (round === null || match.flow.knifeRound) return;
  if (side !== 'CT' && side !== 'T') {
    // Gone to spectators mid-round: no longer alive for clutch counts (they still played the round).
    if (match.flow.round === 'active' && round.sides[steamId] !== undefined) {
      withTracker(match, (tracker) => tracker.setSide(steamId, null));
    }
    return;
  }
  if (match.flow.round === 'active' && round.sides[steamId] !== side) {
    round.sides[steamId] = side;
    withTracker(match, (tracker) => tracker.setSide(steamId, side));
  }
  if (player.team === null && match.teamsFixed)
    assignTeam(step, match, steamId, player, teamOnSide(round.ctTeam, side));
}

function onTeamNames(step: Step, match: MatchState, event: EventOf<'team_names'>): void {
  const ct = isGenericTeamName(event.ct) ? null : event.ct.trim();
  const t = isGenericTeamName(event.t) ? null : event.t.trim();
  match.sideNames = { CT: ct, T: t };
  if (!match.teamsFixed) return;
  const ctTeamNow = voteCtTeam(match) ?? match.round?.ctTeam ?? 'A';
  if (applySideNames(match, ctTeamNow)) {
    emit(step, { type: 'teams_changed', matchId: match.id, teams: teamSummaries(match) });
  }
}

/** Play in the current round: it makes a second `round_start` a replay, and a knife-only first round a knife round. */
function onCombat(step: Step, match: MatchState, byPlayer: boolean, weapon: string): void {
  match.resyncing = false;
  const flow = match.flow;
  if (match.restoring && !byPlayer) {
    // The game respawns everyone on a backup restore: those deaths are no kills and no play.
    step.excludedEvent = true;
    return;
  }
  if (flow.round !== 'active' || !byPlayer) return;
  flow.roundHasPlay = true;
  if (!isWeaponOfKnifeRound(weapon)) flow.onlyKnives = false;
}

function onDeath(step: Step, match: MatchState, event: EventOf<'player_death'>): void {
  const flow = match.flow;
  if (step.excludedEvent || flow.knifeRound || (flow.round !== 'active' && flow.round !== 'won')) return;
  if (isExcluded(match, currentRoundNumber(match))) return;
  withTracker(match, (tracker) => {
    step.kill = tracker.onDeath(event);
  });
}

/** Runs `use` on the round's kill tracker and saves it back (deaths, spawns, side changes: a few per round). */
function withTracker(match: MatchState, use: (tracker: RoundKillTracker) => void): void {
  const round = match.round;
  if (round === null || (match.flow.round !== 'active' && match.flow.round !== 'won')) return;
  const tracker = RoundKillTracker.fromJSON(round.tracker);
  use(tracker);
  round.tracker = tracker.toJSON();
}
