/**
 * What `geqo analyze --format cs2-log` adds to the MatchSummary: how the log's lines were read,
 * each live round as its lines state it, and the server's own scoreboard checked against ours.
 */
import type { LogRoundFacts, ServerStatsCheck } from '@geqo/shared/app/analyze';
import type { LogParseStats } from '@geqo/shared/domain/cs2-log';

/** The `log` member of `analyze --format cs2-log --json`. */
export interface LogReport {
  parse: LogParseStats;
  rounds: LogRoundFacts[];
  /** `null` when the log holds no round_stats table. */
  serverCheck: ServerStatsCheck | null;
}

/** The readable form, printed after the match report. */
export function formatLogReport(report: LogReport): string {
  const { parse, serverCheck } = report;
  const lines = [
    '',
    `Log: ${parse.lines} lines, ${parse.events} events; ${parse.unknown} unknown, ${parse.malformed} malformed, ${parse.ignored} without an event`,
  ];
  const headshots = report.rounds.reduce((sum, round) => sum + round.headshots, 0);
  const kills = report.rounds.reduce((sum, round) => sum + round.kills, 0);
  const postRound = report.rounds.reduce((sum, round) => sum + round.postRoundKills, 0);
  lines.push(`Kills before the round results: ${kills} (${headshots} headshots); after them: ${postRound}`);
  if (serverCheck === null) {
    lines.push('No round_stats table in the log to check against.');
  } else {
    const agreeing = serverCheck.players.filter((player) => player.agrees).length;
    lines.push(
      `Server's round_stats before round ${serverCheck.round}: kills and deaths agree for ${agreeing}/${serverCheck.players.length} players`,
    );
    for (const player of serverCheck.players.filter((entry) => !entry.agrees)) {
      lines.push(
        `  ${player.name ?? player.steamId}: ours ${player.kills}/${player.deaths}, server ${player.serverKills ?? '?'}/${player.serverDeaths ?? '?'}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
