import pino from 'pino';
import type { LogFields, Logger } from '../../ports/index.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

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

/** Structured JSON logs (one object per line) with stable keys; `msg` holds the message. */
export function createLogger(
  options: { level?: LogLevel; name?: string; destination?: number } = {},
): Logger {
  return new PinoLogger(
    pino(
      {
        level: options.level ?? 'info',
        base: options.name ? { name: options.name } : {},
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      pino.destination({ fd: options.destination ?? 1, sync: false }),
    ),
  );
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
