import { describe, expect, it } from 'vitest';
import type { Phase } from './enrichment.ts';
import { DEFAULT_MATCH_RULES } from './match-rules.ts';
import { type FlowEvent, initialPhaseState, nextPhase, type PhaseAction, type PhaseState } from './phase.ts';

function state(overrides: Partial<PhaseState> = {}): PhaseState {
  return { ...initialPhaseState(DEFAULT_MATCH_RULES, 'live'), ...overrides };
}

/** A map just loaded: warmup, not announced by the game. */
const mapLoaded = initialPhaseState(DEFAULT_MATCH_RULES);
/** The game announced its warmup. */
const warmup = state({ phase: 'warmup', warmupAnnounced: true });

const TS = 1_000;
const ev = {
  mapStart: { type: 'map_start', ts: TS, map: 'de_inferno' },
  warmupStart: { type: 'warmup_start', ts: TS },
  warmupEnd: { type: 'warmup_end', ts: TS },
  matchStart: { type: 'match_start', ts: TS },
  gameRestart: { type: 'game_restart', ts: TS },
  roundStart: { type: 'round_start', ts: TS },
  knifeRoundStart: { type: 'round_start', ts: TS, knife: true } as FlowEvent,
  freezeEnd: { type: 'round_freeze_end', ts: TS },
  ctWin: (scoreCT: number, scoreT: number) =>
    ({ type: 'round_end', ts: TS, winner: 'CT', reason: 'ct_win', scoreCT, scoreT }) as const,
  commencing: { type: 'round_end', ts: TS, winner: 'CT', reason: 'game_commencing', scoreCT: 0, scoreT: 0 },
  officialEnd: { type: 'round_officially_ended', ts: TS },
  halftime: { type: 'halftime', ts: TS },
  matchEnd: { type: 'match_end', ts: TS, scoreCT: 13, scoreT: 5 },
  pause: { type: 'pause', ts: TS, kind: 'tactical' },
  unpause: { type: 'unpause', ts: TS },
  restore: (round: number) => ({ type: 'backup_restore', ts: TS, round }) as const,
} satisfies Record<string, FlowEvent | ((...args: never[]) => FlowEvent)>;

/** Mid-round of round 6 (5 played, score 3-2). */
const inRound6 = state({
  phase: 'live',
  round: 'active',
  roundsPlayed: 5,
  scoreTotal: 5,
  roundHasPlay: true,
  onlyKnives: false,
});
/** Round 6 won, not officially ended. */
const round6Won = state({ phase: 'round_end', round: 'won', roundsPlayed: 6, scoreTotal: 6 });
/** Between rounds 6 and 7. */
const between6And7 = state({ phase: 'live', round: 'closed', roundsPlayed: 6, scoreTotal: 6 });

interface Accepted {
  name: string;
  from: PhaseState;
  event: FlowEvent;
  phase: Phase;
  action: PhaseAction['type'];
  expect?: Partial<PhaseState>;
}

const accepted: Accepted[] = [
  {
    name: 'a round start in the unannounced warmup of a loaded map is round 1',
    from: mapLoaded,
    event: ev.roundStart,
    phase: 'live',
    action: 'round_started',
    expect: { round: 'active' },
  },
  {
    name: 'the game announces the warmup of a loaded map',
    from: mapLoaded,
    event: ev.warmupStart,
    phase: 'warmup',
    action: 'reset',
    expect: { warmupAnnounced: true },
  },
  {
    name: 'match_start after a map load goes live',
    from: mapLoaded,
    event: ev.matchStart,
    phase: 'live',
    action: 'reset',
  },
  {
    name: 'a map load resets into an unannounced warmup',
    from: inRound6,
    event: ev.mapStart,
    phase: 'warmup',
    action: 'reset',
    expect: { warmupAnnounced: false, roundsPlayed: 0 },
  },
  {
    name: 'warmup ends',
    from: warmup,
    event: ev.warmupEnd,
    phase: 'live',
    action: 'none',
  },
  {
    name: 'warmup starts mid-match: everything resets',
    from: inRound6,
    event: ev.warmupStart,
    phase: 'warmup',
    action: 'reset',
    expect: { roundsPlayed: 0, round: 'none', scoreTotal: 0 },
  },
  {
    name: 'a warmup round is no round',
    from: warmup,
    event: ev.roundStart,
    phase: 'warmup',
    action: 'none',
  },
  {
    name: 'match_start goes live',
    from: warmup,
    event: ev.matchStart,
    phase: 'live',
    action: 'reset',
  },
  {
    name: 'mp_restartgame mid-match resets the score',
    from: inRound6,
    event: ev.gameRestart,
    phase: 'live',
    action: 'reset',
    expect: { roundsPlayed: 0, round: 'none', scoreTotal: 0 },
  },
  {
    name: 'the fake game_commencing round end is a restart',
    from: round6Won,
    event: ev.commencing,
    phase: 'live',
    action: 'reset',
    expect: { roundsPlayed: 0 },
  },
  {
    name: 'a restart in warmup keeps warmup',
    from: warmup,
    event: ev.gameRestart,
    phase: 'warmup',
    action: 'reset',
  },
  {
    name: 'first round starts',
    from: state(),
    event: ev.roundStart,
    phase: 'live',
    action: 'round_started',
    expect: { round: 'active', roundsPlayed: 0 },
  },
  {
    name: 'an announced knife round',
    from: state(),
    event: ev.knifeRoundStart,
    phase: 'knife',
    action: 'knife_round_started',
    expect: { knifeRound: true },
  },
  {
    name: 'the next round starts',
    from: between6And7,
    event: ev.roundStart,
    phase: 'live',
    action: 'round_started',
  },
  {
    name: 'a round start with no official end before it closes the won round',
    from: round6Won,
    event: ev.roundStart,
    phase: 'live',
    action: 'round_started',
  },
  {
    name: 'a round start mid-round after play replays the round',
    from: inRound6,
    event: ev.roundStart,
    phase: 'live',
    action: 'round_replayed',
    expect: { roundsPlayed: 5, roundHasPlay: false },
  },
  { name: 'freeze time ends', from: inRound6, event: ev.freezeEnd, phase: 'live', action: 'freeze_ended' },
  {
    name: 'a round is won',
    from: inRound6,
    event: ev.ctWin(4, 2),
    phase: 'round_end',
    action: 'round_won',
    expect: { round: 'won', roundsPlayed: 6 },
  },
  {
    name: 'a first round played with knives only is a knife round',
    from: state({ round: 'active', roundHasPlay: true, onlyKnives: true }),
    event: ev.ctWin(1, 0),
    phase: 'knife',
    action: 'knife_round_found',
    expect: { roundsPlayed: 0, knifeRound: true },
  },
  {
    name: 'an announced knife round ends without counting',
    from: state({ phase: 'knife', round: 'active', knifeRound: true }),
    event: ev.ctWin(1, 0),
    phase: 'knife',
    action: 'knife_round_won',
    expect: { roundsPlayed: 0 },
  },
  {
    name: 'a knife round is followed by round 1',
    from: state({ phase: 'knife', round: 'closed', knifeRound: true }),
    event: ev.roundStart,
    phase: 'live',
    action: 'round_started',
    expect: { knifeRound: false },
  },
  {
    name: 'a round officially ends',
    from: round6Won,
    event: ev.officialEnd,
    phase: 'live',
    action: 'round_closed',
  },
  {
    name: 'halftime after round 12',
    from: state({ phase: 'round_end', round: 'won', roundsPlayed: 12 }),
    event: ev.officialEnd,
    phase: 'halftime',
    action: 'round_closed',
  },
  {
    name: 'overtime after round 24',
    from: state({ phase: 'round_end', round: 'won', roundsPlayed: 24 }),
    event: ev.officialEnd,
    phase: 'overtime',
    action: 'round_closed',
  },
  {
    name: 'overtime halftime after round 27',
    from: state({ phase: 'round_end', round: 'won', roundsPlayed: 27 }),
    event: ev.officialEnd,
    phase: 'halftime',
    action: 'round_closed',
  },
  {
    name: 'no halftime at the start of the second overtime',
    from: state({ phase: 'round_end', round: 'won', roundsPlayed: 30 }),
    event: ev.officialEnd,
    phase: 'overtime',
    action: 'round_closed',
  },
  {
    name: 'an overtime round is played in phase overtime',
    from: state({ phase: 'overtime', round: 'closed', roundsPlayed: 24 }),
    event: ev.roundStart,
    phase: 'overtime',
    action: 'round_started',
  },
  {
    name: 'the halftime event confirms the inferred halftime',
    from: state({ phase: 'halftime', round: 'closed', roundsPlayed: 12 }),
    event: ev.halftime,
    phase: 'halftime',
    action: 'halftime',
  },
  {
    name: 'a halftime after 15 rounds teaches MR15',
    from: state({ phase: 'live', round: 'closed', roundsPlayed: 15 }),
    event: ev.halftime,
    phase: 'halftime',
    action: 'halftime',
    expect: { rules: { halfLength: 15, overtimeHalfLength: 3 } },
  },
  { name: 'the match ends', from: round6Won, event: ev.matchEnd, phase: 'game_over', action: 'game_over' },
  {
    name: 'a pause mid-round',
    from: inRound6,
    event: ev.pause,
    phase: 'paused',
    action: 'paused',
    expect: { resumePhase: 'live' },
  },
  {
    name: 'a pause in freeze time',
    from: { ...inRound6, roundHasPlay: false },
    event: ev.pause,
    phase: 'paused',
    action: 'paused',
  },
  {
    name: 'unpause resumes the paused phase',
    from: { ...round6Won, phase: 'paused', resumePhase: 'round_end' },
    event: ev.unpause,
    phase: 'round_end',
    action: 'unpaused',
  },
  {
    name: 'a round ending while paused keeps the pause',
    from: { ...inRound6, phase: 'paused', resumePhase: 'live' },
    event: ev.ctWin(4, 2),
    phase: 'paused',
    action: 'round_won',
    expect: { resumePhase: 'round_end', roundsPlayed: 6 },
  },
  {
    name: 'a restart clears a pause',
    from: { ...inRound6, phase: 'paused', resumePhase: 'live' },
    event: ev.gameRestart,
    phase: 'live',
    action: 'reset',
    expect: { resumePhase: null },
  },
  {
    name: 'a backup restore mid-round goes back to the end of the restored round',
    from: inRound6,
    event: ev.restore(3),
    phase: 'live',
    action: 'restored',
    expect: { roundsPlayed: 3, round: 'closed' },
  },
  {
    name: 'a backup restore to round 12 is halftime',
    from: state({ phase: 'live', round: 'closed', roundsPlayed: 14 }),
    event: ev.restore(12),
    phase: 'halftime',
    action: 'restored',
  },
  {
    name: 'a lower score in a round end is a restore the stream did not announce',
    from: inRound6,
    event: { type: 'round_end', ts: TS, winner: 'T', reason: 'draw', scoreCT: 2, scoreT: 1 },
    phase: 'live',
    action: 'restored',
    expect: { roundsPlayed: 3 },
  },
];

interface Rejected {
  name: string;
  from: PhaseState;
  event: FlowEvent;
  reason: RegExp;
}

const rejected: Rejected[] = [
  {
    name: 'anything after game over',
    from: state({ phase: 'game_over' }),
    event: ev.roundStart,
    reason: /over/,
  },
  {
    name: 'warmup twice',
    from: warmup,
    event: ev.warmupStart,
    reason: /already in warmup/,
  },
  { name: 'warmup end outside warmup', from: inRound6, event: ev.warmupEnd, reason: /not in warmup/ },
  {
    name: 'round_start twice without play (backup restore)',
    from: { ...inRound6, roundHasPlay: false },
    event: ev.roundStart,
    reason: /already started/,
  },
  { name: 'freeze end between rounds', from: between6And7, event: ev.freezeEnd, reason: /no round in play/ },
  { name: 'round end twice', from: round6Won, event: ev.ctWin(4, 2), reason: /already won/ },
  { name: 'round end between rounds', from: between6And7, event: ev.ctWin(4, 2), reason: /no round in play/ },
  { name: 'round end in warmup', from: warmup, event: ev.ctWin(1, 0), reason: /warmup/ },
  { name: 'official end of no won round', from: inRound6, event: ev.officialEnd, reason: /no won round/ },
  { name: 'halftime mid-round', from: inRound6, event: ev.halftime, reason: /during a round/ },
  { name: 'halftime in warmup', from: warmup, event: ev.halftime, reason: /warmup/ },
  { name: 'halftime before any round', from: state(), event: ev.halftime, reason: /before any round/ },
  { name: 'halftime right after a map load', from: mapLoaded, event: ev.halftime, reason: /warmup/ },
  {
    name: 'pause while paused',
    from: { ...inRound6, phase: 'paused', resumePhase: 'live' },
    event: ev.pause,
    reason: /already paused/,
  },
  { name: 'unpause while not paused', from: inRound6, event: ev.unpause, reason: /not paused/ },
  { name: 'restore forward', from: inRound6, event: ev.restore(9), reason: /only 5 rounds/ },
  { name: 'restore in warmup', from: warmup, event: ev.restore(0), reason: /warmup/ },
  {
    name: 'match end after game over',
    from: state({ phase: 'game_over' }),
    event: ev.matchEnd,
    reason: /over/,
  },
];

describe('nextPhase', () => {
  it.each(accepted)('$name', async ({ from, event, phase, action, expect: expected }) => {
    // Prepare
    const before = structuredClone(from);

    // Act
    const transition = nextPhase(from, event);

    // Assess
    expect(transition.ok).toBe(true);
    if (!transition.ok) return;
    expect(transition.state.phase).toBe(phase);
    expect(transition.action.type).toBe(action);
    if (expected !== undefined) expect(transition.state).toMatchObject(expected);
    expect(from).toEqual(before);
  });

  it.each(rejected)('rejects $name', async ({ from, event, reason }) => {
    // Prepare
    const before = structuredClone(from);

    // Act
    const transition = nextPhase(from, event);

    // Assess
    expect(transition.ok).toBe(false);
    if (transition.ok) return;
    expect(transition.reason).toMatch(reason);
    expect(from).toEqual(before);
  });

  it('covers every phase with at least one accepted transition', async () => {
    // Prepare
    const phases = new Set(accepted.map(({ from }) => from.phase));

    // Act
    const missing = (
      ['warmup', 'knife', 'live', 'paused', 'round_end', 'halftime', 'overtime'] as const
    ).filter((phase) => !phases.has(phase));

    // Assess
    expect(missing).toEqual([]);
  });
});
