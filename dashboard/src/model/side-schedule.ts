/**
 * Which team is on CT in a round, by the competitive schedule alone (MR12, MR3 overtimes): the
 * rule of `shared/domain/match/match-rules.ts`. The dashboard takes it from there rather than
 * restating it; that file is pure and imports nothing at run time, so the bundle stays small.
 */
import { DEFAULT_MATCH_RULES, scheduledCtTeam } from '../../../shared/domain/match/match-rules.ts';

/** `A` (the team that started on CT) or `B`. */
export function ctTeamKeyInRound(roundNumber: number): 'A' | 'B' {
  return scheduledCtTeam(roundNumber, DEFAULT_MATCH_RULES);
}
