/**
 * The competitive format a match follows: half lengths, when sides swap, when a score decides the
 * match. CS2 defaults to MR12 (two halves of 12 rounds) with MR3 overtimes (halves of 3 rounds).
 */
import type { TeamKey } from './enrichment.ts';

export interface MatchRules {
  /** Rounds in a regulation half (MR12: 12). A `halftime` event after another count teaches the engine. */
  halfLength: number;
  /** Rounds in an overtime half (MR3: 3). */
  overtimeHalfLength: number;
}

export const DEFAULT_MATCH_RULES: Readonly<MatchRules> = Object.freeze({
  halfLength: 12,
  overtimeHalfLength: 3,
});

/** Rounds in regulation (MR12: 24); any round after them is overtime. */
export function regulationRounds(rules: MatchRules): number {
  return 2 * rules.halfLength;
}

export function isOvertimeRound(roundNumber: number, rules: MatchRules): boolean {
  return roundNumber > regulationRounds(rules);
}

/**
 * Whether sides swap once `roundsPlayed` rounds are complete: at regulation halftime and at the
 * middle of each overtime. Not at the start of an overtime: teams keep the sides they ended on.
 */
export function isSideSwapAfter(roundsPlayed: number, rules: MatchRules): boolean {
  if (roundsPlayed === rules.halfLength) return true;
  const overtimeRounds = roundsPlayed - regulationRounds(rules);
  if (overtimeRounds <= 0) return false;
  return overtimeRounds % (2 * rules.overtimeHalfLength) === rules.overtimeHalfLength;
}

/**
 * The team on CT in a round by the swap schedule alone, team `A` having started on CT. Only a
 * fallback: the engine trusts players' sides and team names first.
 */
export function scheduledCtTeam(roundNumber: number, rules: MatchRules): TeamKey {
  const completed = roundNumber - 1;
  let swaps = completed >= rules.halfLength ? 1 : 0;
  const overtimeCompleted = completed - regulationRounds(rules);
  if (overtimeCompleted >= rules.overtimeHalfLength) {
    swaps += Math.floor((overtimeCompleted - rules.overtimeHalfLength) / (2 * rules.overtimeHalfLength)) + 1;
  }
  return swaps % 2 === 0 ? 'A' : 'B';
}

/**
 * Whether a score ends the match: a team reached half + 1 in regulation, or half + 1 of an
 * overtime (a tied overtime starts another one).
 */
export function isDecided(scoreA: number, scoreB: number, rules: MatchRules): boolean {
  const half = rules.halfLength;
  if (scoreA + scoreB <= regulationRounds(rules)) return Math.max(scoreA, scoreB) > half;
  const overtimeA = scoreA - half;
  const overtimeB = scoreB - half;
  const base =
    Math.floor(Math.min(overtimeA, overtimeB) / rules.overtimeHalfLength) * rules.overtimeHalfLength;
  return Math.max(overtimeA, overtimeB) - base > rules.overtimeHalfLength;
}
