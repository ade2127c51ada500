/**
 * `geqo analyze --format cs2-log`: a CS2 server log file (`log on` writes them under `logs/`, or a
 * capture of the HTTP log stream) through the CS2 log parser and the same engine and statistics as
 * the worker ({@link analyzeMatches}). The file is read in chunks, as the HTTP stream arrives in
 * bodies, so its size does not matter.
 */
import { createReadStream } from 'node:fs';
import { type LogParseStats, LogStreamParser } from '../../domain/cs2-log/index.ts';
import {
  type AnalyzedMatch,
  type AnalyzeOptions,
  analyzeMatches,
  type SequencedEvent,
} from './analyze-events.ts';

export interface AnalyzeLogOptions extends AnalyzeOptions {
  /** The server's local time minus UTC, in minutes (log times are local; default 0). */
  utcOffsetMinutes?: number;
  /** Called as the file is read, with the bytes read so far. */
  onBytesRead?: (bytes: number) => void;
}

export interface AnalyzedLog {
  matches: AnalyzedMatch[];
  /** Lines read, by outcome: unknown and malformed lines are counted, never fatal. */
  parse: LogParseStats;
}

/** Every match in a CS2 log file, each event keyed by its position in the parser's output. */
export async function analyzeCs2LogFile(path: string, options: AnalyzeLogOptions = {}): Promise<AnalyzedLog> {
  const parser = new LogStreamParser({ utcOffsetMinutes: options.utcOffsetMinutes ?? 0 });
  const matches = await analyzeMatches(readLogEvents(path, parser, options.onBytesRead), options);
  return { matches, parse: parser.stats() };
}

/** The events of a log file in order, parsed by `parser` (whose counts the caller can read after). */
export async function* readLogEvents(
  path: string,
  parser: LogStreamParser,
  onBytesRead?: (bytes: number) => void,
): AsyncGenerator<SequencedEvent> {
  const decoder = new TextDecoder('utf-8');
  let seq = 0;
  let bytes = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    // `stream: true` keeps a character cut between two chunks for the next one.
    for (const event of parser.push(decoder.decode(chunk, { stream: true }))) yield { seq: ++seq, event };
    onBytesRead?.(bytes);
  }
  for (const event of parser.push(decoder.decode())) yield { seq: ++seq, event };
  for (const event of parser.flush()) yield { seq: ++seq, event };
}
