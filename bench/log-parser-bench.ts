/**
 * Throughput of the CS2 log parser (target: 200,000 lines/s on one core).
 *
 * The real competitive log from the fixtures, cut into HTTP-sized bodies once, is pushed through
 * a fresh {@link LogStreamParser} again and again for a few seconds, as one server's stream would
 * be: line reassembly, assists, round_stats blocks and all. Run alone with
 * `npx tsx bench/log-parser-bench.ts`.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { LogStreamParser } from '../shared/domain/cs2-log/index.ts';

/** Lines per second the parser must sustain. */
export const LOG_PARSER_TARGET_LINES_PER_SECOND = 200_000;

const FIXTURE_LOG = new URL(
  '../../shared/fixtures/cs2-logs/0f870999-5f60-4259-7837-08de566fc039.log',
  import.meta.url,
);

export interface LogParserBenchOptions {
  /** How long to measure (after a warm-up pass). Default 3 s. */
  seconds?: number;
  /** The log to repeat. Default: the fixture log. */
  logPath?: string | URL;
  /** Size of one POST body in bytes (bodies cut lines anywhere). Default 4 KiB. */
  bodyBytes?: number;
}

export interface LogParserBenchResult {
  linesPerSecond: number;
  eventsPerSecond: number;
  megabytesPerSecond: number;
  /** Times the whole log was parsed while measuring. */
  passes: number;
  lines: number;
  events: number;
  seconds: number;
  target: number;
  passed: boolean;
}

/** Parses the log over and over for `seconds` and reports the rate. */
export async function runLogParserBench(options: LogParserBenchOptions = {}): Promise<LogParserBenchResult> {
  const seconds = options.seconds ?? 3;
  const text = readFileSync(options.logPath ?? FIXTURE_LOG, 'utf8');
  const bodies = cutIntoBodies(text, options.bodyBytes ?? 4_096);

  parsePass(bodies); // warm-up: let the JIT settle before the clock starts
  let passes = 0;
  let lines = 0;
  let events = 0;
  const started = performance.now();
  let elapsed = 0;
  do {
    const pass = parsePass(bodies);
    passes++;
    lines += pass.lines;
    events += pass.events;
    elapsed = (performance.now() - started) / 1_000;
  } while (elapsed < seconds);

  const linesPerSecond = Math.round(lines / elapsed);
  return {
    linesPerSecond,
    eventsPerSecond: Math.round(events / elapsed),
    megabytesPerSecond: Math.round(((text.length * passes) / elapsed / 1_048_576) * 10) / 10,
    passes,
    lines,
    events,
    seconds: Math.round(elapsed * 100) / 100,
    target: LOG_PARSER_TARGET_LINES_PER_SECOND,
    passed: linesPerSecond >= LOG_PARSER_TARGET_LINES_PER_SECOND,
  };
}

function parsePass(bodies: readonly string[]): { lines: number; events: number } {
  const parser = new LogStreamParser();
  let events = 0;
  for (const body of bodies) events += parser.push(body).length;
  events += parser.flush().length;
  return { lines: parser.stats().lines, events };
}

function cutIntoBodies(text: string, bodyBytes: number): string[] {
  const bodies: string[] = [];
  for (let offset = 0; offset < text.length; offset += bodyBytes)
    bodies.push(text.slice(offset, offset + bodyBytes));
  return bodies;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runLogParserBench();
  console.log(
    `log parser: ${result.linesPerSecond.toLocaleString('en-US')} lines/s, ` +
      `${result.eventsPerSecond.toLocaleString('en-US')} events/s, ${result.megabytesPerSecond} MB/s ` +
      `(${result.passes} passes, ${result.seconds} s; target ${result.target.toLocaleString('en-US')} lines/s: ` +
      `${result.passed ? 'pass' : 'FAIL'})`,
  );
  if (!result.passed) process.exitCode = 1;
}
