/**
 * What `geqo analyze` says about the matches a file holds: which one it summarizes, and the
 * others (a server back in warmup after its game over, a map change, a restart), so a user can
 * pick one with `--match N`.
 */
import type { MatchOverview } from '@geqo/shared/app/analyze';

/** The `match` member of `analyze --json`: which of the file's matches the summary is. */
export interface ChosenMatch {
  /** 1-based, as `--match` takes it. */
  index: number;
  /** How many matches the file holds. */
  of: number;
  matchId: string;
  /** `--match`, or chosen as the most complete (the last finished, else the most rounds). */
  chosenBy: 'option' | 'most-complete';
}

/** The readable list, printed before the match report when the file holds more than one match. */
export function formatMatchList(matches: readonly MatchOverview[], chosen: ChosenMatch): string {
  const lines = [
    `${matches.length} matches in this file; summarizing #${chosen.index}` +
      (chosen.chosenBy === 'option' ? ' (--match)' : ' (the most complete; another with --match N)'),
  ];
  for (const match of matches) {
    const [first, second] = match.teams;
    const teams =
      first !== undefined && second !== undefined
        ? `${first.name} ${first.score} : ${second.score} ${second.name}`
        : 'teams not known';
    const marker = match.index === chosen.index ? '*' : ' ';
    lines.push(
      `${marker} ${String(match.index).padStart(2)}  ${(match.map ?? 'unknown map').padEnd(12)}  ${match.status.padEnd(9)}  ${String(match.rounds).padStart(2)} rounds  ${teams}`,
    );
  }
  return `${lines.join('\n')}\n\n`;
}
