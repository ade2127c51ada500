import { extname } from 'node:path';
import {
  type AnalyzedMatch,
  analyzeCs2LogFile,
  analyzeMatches,
  checkServerRoundStats,
  EventFileError,
  listMatches,
  logRoundFacts,
  pickMainMatch,
  readEventLines,
  type SequencedEvent,
} from '@geqo/shared/app/analyze';
import type { LogParseStats } from '@geqo/shared/domain/cs2-log';
import { SingleBar } from 'cli-progress';
import { Option } from 'commander';
import { formatLogReport, type LogReport } from '../analyze/log-report.ts';
import { type ChosenMatch, formatMatchList } from '../analyze/match-list-report.ts';
import { formatMatchReport } from '../analyze/match-report.ts';
import { fail } from '../cli-context.ts';
import { inputFileProblem } from '../input-file.ts';
import type { RegisterCommand } from './index.ts';

type Format = 'jsonl' | 'cs2-log';

/** Files this large get a progress bar (when stderr is a terminal). */
const PROGRESS_MIN_BYTES = 20 * 1024 * 1024;

export const registerAnalyze: RegisterCommand = (program) => {
  program
    .command('analyze')
    .description(
      'analyze a recorded match offline (same engine and statistics as the worker) and print its summary',
    )
    .argument('<file>', 'recorded events: JSON lines (one event per line) or a CS2 server log')
    .addOption(
      new Option('--format <format>', 'file format (default: from the extension, .log is cs2-log)').choices([
        'jsonl',
        'cs2-log',
      ]),
    )
    .option('--json', 'print the MatchSummary as JSON (cs2-log: with a "log" member, see below)')
    .option(
      '--match <n>',
      "summarize the file's match number n (1 = the first; see the list printed)",
      parseMatchIndex,
    )
    .option('--utc-offset <minutes>', 'cs2-log: the server local time minus UTC, in minutes', parseOffset, 0)
    .option(
      '--skip-bad-lines',
      'jsonl: report malformed lines on stderr and go on (default: stop at the first)',
    )
    .option('--no-progress', 'no progress bar')
    .addHelpText(
      'after',
      '\nExamples:\n  geqo analyze match.jsonl\n  geqo analyze match.jsonl --json > summary.json\n' +
        '  geqo analyze server.log --format cs2-log --json\n\n' +
        'When the file holds several matches (a map change, a new match after game over), they are\n' +
        'listed and the most complete is summarized: the last finished one, else the one with the most\n' +
        'completed rounds; --match N picks another. The JSON says which: "match": {index, of, matchId,\n' +
        'chosenBy} and "matches": [{index, matchId, map, status, teams, rounds}], beside the summary.\n\n' +
        'A CS2 log (`log on` files, or a capture of logaddress_add_http) adds a "log" member to the\n' +
        'JSON: lines read by outcome, each live round as its lines state it (winner side, reason,\n' +
        "score by side, kills and headshots before the result, post-round kills), and the server's\n" +
        'own last round_stats table checked against our kills and deaths.',
    )
    .action(async (file: string, flags: AnalyzeFlags) => {
      const format: Format = flags.format ?? (extname(file).toLowerCase() === '.log' ? 'cs2-log' : 'jsonl');
      const input = await inputFileProblem(file, 'analyze');
      if ('problem' in input) fail(input.problem);
      const { size } = input;
      const progress = flags.progress && flags.json !== true;
      const { matches, parse } =
        format === 'cs2-log'
          ? await analyzeLog(file, size, progress, flags.utcOffset)
          : { matches: await analyzeFile(file, size, progress, flags.skipBadLines === true), parse: null };
      const main = flags.match === undefined ? pickMainMatch(matches) : matches[flags.match - 1];
      if (main === undefined) {
        if (matches.length === 0) fail(`${file}: no match found (no map_start, match_start or round_start)`);
        fail(
          `--match ${flags.match}: ${file} holds ${matches.length} match${matches.length === 1 ? '' : 'es'}`,
        );
      }
      const overviews = listMatches(matches);
      const chosen: ChosenMatch = {
        index: matches.indexOf(main) + 1,
        of: matches.length,
        matchId: main.matchId,
        chosenBy: flags.match === undefined ? 'most-complete' : 'option',
      };
      const log: LogReport | null =
        parse === null
          ? null
          : {
              parse,
              rounds: logRoundFacts(main.timeline),
              serverCheck: checkServerRoundStats(main.timeline),
            };
      if (flags.json === true) {
        const summary = { ...main.summary, match: chosen, matches: overviews };
        const json = log === null ? summary : { ...summary, log };
        process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
        return;
      }
      if (matches.length > 1) process.stdout.write(formatMatchList(overviews, chosen));
      process.stdout.write(formatMatchReport(main.summary));
      if (log !== null) process.stdout.write(formatLogReport(log));
    });
};

interface AnalyzeFlags {
  format?: Format;
  json?: boolean;
  match?: number;
  progress: boolean;
  skipBadLines?: boolean;
  utcOffset: number;
}

function parseOffset(value: string): number {
  const minutes = Number(value);
  if (!Number.isInteger(minutes) || Math.abs(minutes) > 14 * 60)
    fail(`--utc-offset: "${value}" is not minutes from UTC`);
  return minutes;
}

function parseMatchIndex(value: string): number {
  const index = Number(value);
  if (!Number.isInteger(index) || index < 1) fail(`--match: "${value}" is not a match number (1, 2, …)`);
  return index;
}

function progressBar(size: number, progress: boolean): SingleBar | null {
  return progress && process.stderr.isTTY === true && size >= PROGRESS_MIN_BYTES
    ? new SingleBar({
        format: 'analyze [{bar}] {percentage}% | {eta_formatted} left',
        stream: process.stderr,
      })
    : null;
}

async function analyzeLog(
  file: string,
  size: number,
  progress: boolean,
  utcOffsetMinutes: number,
): Promise<{ matches: AnalyzedMatch[]; parse: LogParseStats }> {
  const bar = progressBar(size, progress);
  bar?.start(size, 0);
  try {
    return await analyzeCs2LogFile(file, { utcOffsetMinutes, onBytesRead: (bytes) => bar?.update(bytes) });
  } finally {
    bar?.update(size);
    bar?.stop();
  }
}

async function analyzeFile(
  file: string,
  size: number,
  progress: boolean,
  skipBadLines: boolean,
): Promise<AnalyzedMatch[]> {
  const bar = progressBar(size, progress);
  bar?.start(size, 0);
  let skipped = 0;
  const onBadLine = (error: EventFileError) => {
    skipped += 1;
    if (skipped <= 20) process.stderr.write(`geqo: skipped ${error.message}\n`);
  };
  async function* events(): AsyncGenerator<SequencedEvent> {
    for await (const { line, event, charsRead } of readEventLines(file, skipBadLines ? { onBadLine } : {})) {
      if (line % 5000 === 0) bar?.update(Math.min(charsRead, size));
      yield { seq: line, event };
    }
  }
  try {
    return await analyzeMatches(events());
  } catch (error) {
    if (error instanceof EventFileError) fail(error.message);
    throw error;
  } finally {
    bar?.update(size);
    bar?.stop();
    if (skipped > 0) process.stderr.write(`geqo: ${file}: ${skipped} malformed line(s) skipped\n`);
  }
}
