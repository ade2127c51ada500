import pino from 'pino';
import type { LogFields, Logger } from '../../ports/index.ts';
import { prettyLogLine } from './pretty-log-line.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
/** `json`: one object per line (files, collectors); `pretty`: one readable line each (a terminal). */
export type LogFormat = 'json' | 'pretty';

class PinoLogger implements Logger {
  constructor(private readonly log: pino.Logger) {}
  debug(message: string, fields?: LogFields): void {
    this.log.debug(fields ?? {}, message);
  }
  info(message: string, fields?: LogFields): void {
    this.log.info(fields ?? {}, message);
  }
  warn(message: string, fields?: LogFields): void {
    this.log.warn(fields ?? {}, message);
  }
  error(message: string, fields?: LogFields): void {
    this.log.error(fields ?? {}, message);
  }
  child(fields: LogFields): Logger {
    return new PinoLogger(this.log.child(fields));
  }
}

/**
 * Structured JSON logs (one object per line) with stable keys; `msg` holds the message. With
 * `format: 'pretty'` the same entries are written as readable lines ({@link prettyLogLine}),
 * colored when the destination is a terminal.
 */
export function createLogger(
  options: { level?: LogLevel; name?: string; destination?: number; format?: LogFormat } = {},
): Logger {
  const fd = options.destination ?? 1;
  const settings: pino.LoggerOptions = {
    level: options.level ?? 'info',
    base: options.name ? { name: options.name } : {},
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  if (options.format === 'pretty') {
    const out = fd === 2 ? process.stderr : process.stdout;
    const color = out.isTTY === true;
    return new PinoLogger(
      pino(settings, { write: (line: string) => out.write(prettyLogLine(line, { color })) }),
    );
  }
  return new PinoLogger(pino(settings, pino.destination({ fd, sync: false })));
}

/** A logger that drops everything (tests, `--quiet`). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};
