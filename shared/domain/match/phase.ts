/**
 * The match phase machine (DESIGN.md section 5): one pure function from a phase state and a flow
 * event to the next state, and what the event means for rounds and scores.
 *
 * ```
 *   warmup --warmup_end/match_start--> live --round_start--> live (round n in play)
 *   warmup (map loaded, never announced) --round_start--> live (round 1: play began unannounced)
 *   live (round n) --round_end--> round_end --round_officially_ended--> live | halftime | overtime
 *   halftime/overtime --round_start--> live | overtime (round n+1)
 *   any --pause--> paused --unpause--> the phase it paused
 *   any --match_start/game_restart/round_end(game_commencing)--> live, rounds void, score 0
 *   any --warmup_start--> warmup, rounds void         any --backup_restore{r}--> between rounds r and r+1
 *   first round played with knives only (or announced `knife: true`) --> knife (not counted)
 *   any --match_end--> game_over (the engine opens a new match on the next boundary event)
 * ```
 *
 * Expected input never throws: an event that cannot apply (a duplicate `round_start`, an
 * `unpause` while not paused, a `round_end` with no round in play) is `{ ok: false, reason }`
 * and changes nothing.
 */
import type { EventOf, PlayingSide } from '../events/index.ts';
import type { Phase } from './enrichment.ts';
import { isOvertimeRound, isSideSwapAfter, type MatchRules, regulationRounds } from './match-rules.ts';

/** The events that can move the phase machine. */
export const FLOW_EVENT_TYPES = [
  'map_start',
  'warmup_start',
  'warmup_end',
  'match_start',
  'game_restart',
  'round_start',
  'round_freeze_end',
  'round_end',
  'round_officially_ended',
  'halftime',
  'match_end',
  'pause',
  'unpause',
  'backup_restore',
] as const;
export type FlowEventType = (typeof FLOW_EVENT_TYPES)[number];
export type FlowEvent = EventOf<FlowEventType>;

const FLOW_TYPES: ReadonlySet<string> = new Set(FLOW_EVENT_TYPES);

export function isFlowEvent(event: { type: string }): event is FlowEvent {
  return FLOW_TYPES.has(event.type);
}

/**
 * Where the current round attempt stands: `none` before the first round (after a reset),
 * `active` in play, `won` after its `round_end`, `closed` once officially ended.
 */
export type RoundState = 'none' | 'active' | 'won' | 'closed';

/** Everything the phase machine needs to decide; plain data, part of the engine's snapshot. */
export interface PhaseState {
  phase: Phase;
  /**
   * The game announced the warmup (`warmup_start`). A map loads in warmup too, but unannounced:
   * a `round_start` then means play began without a word (no warmup, or a feed that joined late).
   */
  warmupAnnounced: boolean;
  /** While `paused`: the phase play resumes in. */
  resumePhase: Phase | null;
  round: RoundState;
  /** Live rounds completed (the current round counts once won). */
  roundsPlayed: number;
  /** The current round attempt saw play (a counted hurt, death, shot or throw). */
  roundHasPlay: boolean;
  /** All play of the current round attempt used knives (meaningless while `roundHasPlay` is false). */
  onlyKnives: boolean;
  /** The current round is a knife round (announced, or found at its end): it never counts. */
  knifeRound: boolean;
  /** Both teams' scores added up, to spot a score rolled back by a restore the stream did not announce. */
  scoreTotal: number;
  rules: MatchRules;
}

export type ResetReason = 'restart' | 'warmup' | 'map_start';

/** What an accepted event did, for the engine to turn into rounds, scores and effects. */
export type PhaseAction =
  | { type: 'none' }
  /** Every round so far is void and the score is 0 (mp_restartgame, warmup, map reload). */
  | { type: 'reset'; reason: ResetReason }
  | { type: 'round_started'; number: number }
  /** A knife round began (announced by the `knife` hint on `round_start`). */
  | { type: 'knife_round_started' }
  /** `round_start` again while the round was in play: that attempt is void and the round starts over. */
  | { type: 'round_replayed'; number: number }
  | { type: 'freeze_ended' }
  | { type: 'round_won'; number: number; winner: PlayingSide }
  /** The first round ended and only knives were used in it: it was a knife round, not round 1. */
  | { type: 'knife_round_found' }
  | { type: 'knife_round_won' }
  | { type: 'round_closed' }
  | { type: 'halftime' }
  | { type: 'paused'; kind: string | null }
  | { type: 'unpaused' }
  /** Back to the end of round `keepRounds`: later rounds (and the one in play) are void and replayed. */
  | { type: 'restored'; keepRounds: number; source: 'backup_restore' | 'score_rollback' }
  | { type: 'game_over' };

export type PhaseTransition =
  | { ok: true; state: PhaseState; action: PhaseAction }
  | { ok: false; reason: string };

const NONE: PhaseAction = Object.freeze({ type: 'none' });

/** The phase between rounds once `roundsPlayed` rounds are complete. */
export function betweenRoundsPhase(roundsPlayed: number, rules: MatchRules): Phase {
  if (roundsPlayed > 0 && isSideSwapAfter(roundsPlayed, rules)) return 'halftime';
  return roundsPlayed >= regulationRounds(rules) ? 'overtime' : 'live';
}

/** The phase while round `roundNumber` is in play. */
export function playPhase(roundNumber: number, rules: MatchRules): Phase {
  return isOvertimeRound(roundNumber, rules) ? 'overtime' : 'live';
}

/** A `round_start` may carry `knife: true` (an extra field the catalog allows) from a plugin that knows. */
export function isAnnouncedKnifeRound(event: EventOf<'round_start'>): boolean {
  return (event as { knife?: unknown }).knife === true;
}

/**
 * The next phase state after a flow event. Pure: the input state is never modified.
 */
export function nextPhase(state: PhaseState, event: FlowEvent): PhaseTransition {
  if (state.phase === 'game_over') return rejected('the match is over');
  if (state.phase === 'paused') return throughPause(state, event);
  switch (event.type) {
    case 'map_start':
      return accepted(resetState(state, 'warmup'), { type: 'reset', reason: 'map_start' });
    case 'warmup_start':
      if (state.phase === 'warmup' && state.warmupAnnounced) return rejected('already in warmup');
      return accepted(
        { ...resetState(state, 'warmup'), warmupAnnounced: true },
        { type: 'reset', reason: 'warmup' },
      );
    case 'warmup_end':
      if (state.phase !== 'warmup') return rejected('not in warmup');
      return accepted({ ...state, phase: 'live' }, NONE);
    case 'match_start':
      return accepted(resetState(state, 'live'), { type: 'reset', reason: 'restart' });
    case 'game_restart':
      return restart(state);
    case 'round_start':
      return roundStart(state, event);
    case 'round_freeze_end':
      if (state.round !== 'active') return rejected('no round in play');
      return accepted(state, { type: 'freeze_ended' });
    case 'round_end':
      return roundEnd(state, event);
    case 'round_officially_ended':
      return roundOfficiallyEnded(state);
    case 'halftime':
      return halftime(state);
    case 'match_end':
      return accepted({ ...state, phase: 'game_over', resumePhase: null }, { type: 'game_over' });
    case 'pause':
      return accepted(
        { ...state, phase: 'paused', resumePhase: state.phase },
        { type: 'paused', kind: event.kind ?? null },
      );
    case 'unpause':
      return rejected('not paused');
    case 'backup_restore':
      return restore(state, event.round, 'backup_restore');
    default:
      return assertNever(event);
  }
}

/**
 * While paused, round flow still happens (a pause called mid-round takes effect at freeze time,
 * and a lost `unpause` must not freeze the match): it applies to the phase play resumes in, and
 * the match stays paused. A reset or the match end clears the pause.
 */
function throughPause(state: PhaseState, event: FlowEvent): PhaseTransition {
  const resumePhase = state.resumePhase ?? betweenRoundsPhase(state.roundsPlayed, state.rules);
  if (event.type === 'pause') return rejected('already paused');
  if (event.type === 'unpause')
    return accepted({ ...state, phase: resumePhase, resumePhase: null }, { type: 'unpaused' });
  const inner = nextPhase({ ...state, phase: resumePhase, resumePhase: null }, event);
  if (!inner.ok) return inner;
  const { action } = inner;
  if (action.type === 'reset' || action.type === 'game_over') return inner;
  return accepted({ ...inner.state, phase: 'paused', resumePhase: inner.state.phase }, action);
}

function restart(state: PhaseState): PhaseTransition {
  // A restart during warmup restarts the warmup: play is still not live.
  const phase = state.phase === 'warmup' ? 'warmup' : 'live';
  return accepted(
    { ...resetState(state, phase), warmupAnnounced: phase === 'warmup' && state.warmupAnnounced },
    {
      type: 'reset',
      reason: 'restart',
    },
  );
}

function roundStart(state: PhaseState, event: EventOf<'round_start'>): PhaseTransition {
  if (state.phase === 'warmup' && state.warmupAnnounced) return accepted(state, NONE);
  if (state.round === 'active') {
    // round_start fires twice on a backup restore: without play in between it is the same start.
    if (!state.roundHasPlay) return rejected('round already started');
    if (state.knifeRound) return accepted(freshRound(state, 'knife'), { type: 'knife_round_started' });
    const number = state.roundsPlayed + 1;
    return accepted(freshRound(state, playPhase(number, state.rules)), { type: 'round_replayed', number });
  }
  if (state.roundsPlayed === 0 && isAnnouncedKnifeRound(event)) {
    return accepted({ ...freshRound(state, 'knife'), knifeRound: true }, { type: 'knife_round_started' });
  }
  const number = state.roundsPlayed + 1;
  return accepted(freshRound(state, playPhase(number, state.rules)), { type: 'round_started', number });
}

function roundEnd(state: PhaseState, event: EventOf<'round_end'>): PhaseTransition {
  if (event.reason === 'game_commencing') return restart(state);
  if (state.phase === 'warmup') return rejected('round end during warmup');
  const reportedTotal = event.scoreCT + event.scoreT;
  if (!state.knifeRound && reportedTotal < state.scoreTotal) {
    // The score went down: a backup was loaded (CS2 ends the interrupted round as a draw).
    return restore(state, reportedTotal, 'score_rollback');
  }
  if (state.round !== 'active')
    return rejected(state.round === 'won' ? 'round already won' : 'no round in play');
  if (state.knifeRound) return accepted({ ...state, round: 'won' }, { type: 'knife_round_won' });
  if (state.roundsPlayed === 0 && state.roundHasPlay && state.onlyKnives) {
    return accepted(
      { ...state, phase: 'knife', round: 'won', knifeRound: true },
      { type: 'knife_round_found' },
    );
  }
  const number = state.roundsPlayed + 1;
  return accepted(
    { ...state, phase: 'round_end', round: 'won', roundsPlayed: number },
    { type: 'round_won', number, winner: event.winner },
  );
}

function roundOfficiallyEnded(state: PhaseState): PhaseTransition {
  if (state.round !== 'won') return rejected('no won round to close');
  const phase = state.knifeRound ? 'knife' : betweenRoundsPhase(state.roundsPlayed, state.rules);
  return accepted({ ...state, phase, round: 'closed' }, { type: 'round_closed' });
}

function halftime(state: PhaseState): PhaseTransition {
  if (state.phase === 'warmup' || state.phase === 'knife') return rejected(`halftime during ${state.phase}`);
  if (state.round === 'active') return rejected('halftime during a round');
  if (state.roundsPlayed === 0) return rejected('halftime before any round');
  let rules = state.rules;
  // The game says where its half is: learn it (an MR15 server announces halftime after 15).
  if (!isSideSwapAfter(state.roundsPlayed, rules) && state.roundsPlayed < regulationRounds(rules)) {
    rules = { ...rules, halfLength: state.roundsPlayed };
  }
  return accepted({ ...state, phase: 'halftime', rules }, { type: 'halftime' });
}

function restore(
  state: PhaseState,
  keepRounds: number,
  source: 'backup_restore' | 'score_rollback',
): PhaseTransition {
  if (state.phase === 'warmup' || state.phase === 'knife')
    return rejected(`backup restore during ${state.phase}`);
  if (keepRounds > state.roundsPlayed) {
    return rejected(`restore to round ${keepRounds}, but only ${state.roundsPlayed} rounds were played`);
  }
  return accepted(
    {
      ...state,
      phase: betweenRoundsPhase(keepRounds, state.rules),
      round: keepRounds > 0 ? 'closed' : 'none',
      roundsPlayed: keepRounds,
      roundHasPlay: false,
      onlyKnives: true,
      knifeRound: false,
    },
    { type: 'restored', keepRounds, source },
  );
}

function freshRound(state: PhaseState, phase: Phase): PhaseState {
  return { ...state, phase, round: 'active', roundHasPlay: false, onlyKnives: true, knifeRound: false };
}

function resetState(state: PhaseState, phase: Phase): PhaseState {
  return {
    ...state,
    phase,
    warmupAnnounced: false,
    resumePhase: null,
    round: 'none',
    roundsPlayed: 0,
    roundHasPlay: false,
    onlyKnives: true,
    knifeRound: false,
    scoreTotal: 0,
  };
}

function accepted(state: PhaseState, action: PhaseAction): PhaseTransition {
  return { ok: true, state, action };
}

function rejected(reason: string): PhaseTransition {
  return { ok: false, reason };
}

function assertNever(value: never): never {
  throw new TypeError(`unhandled flow event: ${JSON.stringify(value)}`);
}

/** A phase state at the start of a match: nothing played, in a warmup the game has not announced. */
export function initialPhaseState(rules: MatchRules, phase: Phase = 'warmup'): PhaseState {
  return {
    phase,
    warmupAnnounced: false,
    resumePhase: null,
    round: 'none',
    roundsPlayed: 0,
    roundHasPlay: false,
    onlyKnives: true,
    knifeRound: false,
    scoreTotal: 0,
    rules: { ...rules },
  };
}
