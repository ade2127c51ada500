import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import {
  type AnalyzedMatch,
  analyzeMatches,
  EventFileError,
  pickMainMatch,
  readEventLines,
  type SequencedEvent,
} from '@geqo/shared/app/analyze';
import { SingleBar } from 'cli-progress';
import { Option } from 'commander';
import { formatMatchReport } from '../analyze/match-report.ts';
import { fail } from '../cli-context.ts';
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
    .option('--json', 'print the MatchSummary as JSON')
    .option('--no-progress', 'no progress bar')
    .addHelpText(
      'after',
      '\nExamples:\n  geqo analyze match.jsonl\n  geqo analyze match.jsonl --json > summary.json\n\n' +
        'When the file holds several matches (a map change, a new match after game over), the last\n' +
        'one that played a live round is summarized.',
    )
    .action(async (file: string, flags: { format?: Format; json?: boolean; progress: boolean }) => {
      const format: Format = flags.format ?? (extname(file).toLowerCase() === '.log' ? 'cs2-log' : 'jsonl');
      if (format === 'cs2-log')
        fail('--format cs2-log: analyzing CS2 server logs is not supported yet; use a JSON-lines file');
      const size = await stat(file).then(
        (stats) => stats.size,
        () => fail(`cannot read ${file}`),
      );
      const matches = await analyzeFile(file, size, flags.progress && flags.json !== true);
      const main = pickMainMatch(matches);
      if (main === undefined) fail(`${file}: no match found (no map_start, match_start or round_start)`);
      if (matches.length > 1) {
        process.stderr.write(
          `geqo: ${file} holds ${matches.length} matches; summarizing ${main.matchId} (${main.timeline.rounds.length} rounds)\n`,
        );
      }
      process.stdout.write(
        flags.json === true ? `${JSON.stringify(main.summary, null, 2)}\n` : formatMatchReport(main.summary),
      );
    });
};

async function analyzeFile(file: string, size: number, progress: boolean): Promise<AnalyzedMatch[]> {
  const bar =
    progress && process.stderr.isTTY === true && size >= PROGRESS_MIN_BYTES
      ? new SingleBar({
          format: 'analyze [{bar}] {percentage}% | {eta_formatted} left',
          stream: process.stderr,
        })
      : null;
  bar?.start(size, 0);
  async function* events(): AsyncGenerator<SequencedEvent> {
    for await (const { line, event, charsRead } of readEventLines(file)) {
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
  }
}
