/**
 * The readable report of `geqo analyze` (without `--json`): map and score, one line per round,
 * one table per team.
 */
import type { MatchSummary, MatchSummaryPlayer } from '@geqo/shared/domain/match';

export function formatMatchReport(summary: MatchSummary): string {
  const lines: string[] = [];
  const [first, second] = summary.teams;
  lines.push(`${summary.map ?? 'unknown map'} (${summary.status})`);
  if (first === undefined || second === undefined) {
    lines.push('', 'No live round was played.');
    return `${lines.join('\n')}\n`;
  }
  lines.push(`${first.name} ${first.score} : ${second.score} ${second.name}`);
  lines.push(`${first.name} started ${first.startSide}, ${second.name} started ${second.startSide}`);

  lines.push('', 'Rounds');
  const teamWidth = Math.max(...summary.teams.map((team) => team.name.length), 6);
  lines.push(
    `  ${'#'.padStart(3)}  ${'winner'.padEnd(teamWidth)}  side  ${'reason'.padEnd(14)}  score  kills`,
  );
  for (const round of summary.rounds) {
    const score = `${round.scoreAfter[first.name] ?? 0}-${round.scoreAfter[second.name] ?? 0}`;
    lines.push(
      `  ${String(round.number).padStart(3)}  ${(round.winnerTeam ?? '-').padEnd(teamWidth)}  ${(round.winnerSide ?? '-').padEnd(4)}  ${(round.reason ?? 'unfinished').padEnd(14)}  ${score.padEnd(5)}  ${round.kills}`,
    );
  }

  const nameWidth = Math.max(...summary.players.map((player) => player.name.length), 6);
  for (const team of [first, second, null]) {
    const players = summary.players
      .filter((player) => player.team === (team?.name ?? null))
      .sort((left, right) => right.rating1 - left.rating1 || right.kills - left.kills);
    if (players.length === 0) continue;
    lines.push('', team?.name ?? 'No team');
    lines.push(
      `  ${'player'.padEnd(nameWidth)}  ${['K', 'D', 'A', 'HS', 'ADR', 'KAST%', 'FK', 'FD', '2K+', 'HLTV 1.0'].map(column).join('')}`,
    );
    for (const player of players)
      lines.push(`  ${player.name.padEnd(nameWidth)}  ${playerCells(player).map(column).join('')}`);
  }
  return `${lines.join('\n')}\n`;
}

function playerCells(player: MatchSummaryPlayer): string[] {
  const multiKills = Object.values(player.multiKills).reduce((sum, count) => sum + count, 0);
  return [
    String(player.kills),
    String(player.deaths),
    String(player.assists),
    String(player.headshotKills),
    player.adr.toFixed(1),
    player.kast.toFixed(1),
    String(player.openingKills),
    String(player.openingDeaths),
    String(multiKills),
    player.rating1.toFixed(2),
  ];
}

function cell(text: string): string {
  return text.padStart(7);
}

/** A player column: the last one (the rating, "HLTV 1.0") is wider than the rest. */
function column(text: string, index: number, all: readonly string[]): string {
  return index === all.length - 1 ? text.padStart(10) : cell(text);
}
