import type { LogFields, Logger } from '@geqo/shared/ports';
import type { LogLevel } from './config.ts';

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface JsonLoggerOptions {
  level?: LogLevel;
  /** Fields on every line, e.g. `{ function: 'worker' }`. */
  base?: LogFields;
  /** Where a finished line goes (stdout by default: Lambda ships it to CloudWatch Logs). */
  write?: (line: string) => void;
  now?: () => number;
}

/** Errors do not survive `JSON.stringify`; keep what an operator needs, never the stack of a client error. */
function plain(value: unknown): unknown {
  if (value instanceof Error) {
    const { code, retriable } = value as Error & { code?: unknown; retriable?: unknown };
    return {
      name: value.name,
      message: value.message,
      ...(code === undefined ? {} : { code }),
      ...(retriable === undefined ? {} : { retriable }),
      ...(value.stack ? { stack: value.stack } : {}),
    };
  }
  return value;
}

class JsonLogger implements Logger {
  constructor(
    private readonly threshold: number,
    private readonly fields: LogFields,
    private readonly write: (line: string) => void,
    private readonly now: () => number,
  ) {}

  debug(message: string, fields?: LogFields): void {
    this.log('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.log('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.log('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.log('error', message, fields);
  }
  child(fields: LogFields): Logger {
    return new JsonLogger(this.threshold, { ...this.fields, ...fields }, this.write, this.now);
  }

  private log(level: LogLevel, message: string, fields?: LogFields): void {
    if (SEVERITY[level] < this.threshold) return;
    const line: Record<string, unknown> = {
      time: new Date(this.now()).toISOString(),
      level,
      msg: message,
      ...this.fields,
    };
    for (const [key, value] of Object.entries(fields ?? {})) line[key] = plain(value);
    this.write(JSON.stringify(line));
  }
}

/**
 * Structured JSON logs, one object per line with stable keys (`serverId`, `matchId`,
 * `connectionId`, `shardId`, `sequenceNumber`). Written synchronously: a Lambda may be frozen
 * right after it returns, and an async log buffer would lose the last lines.
 */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  return new JsonLogger(
    SEVERITY[options.level ?? 'info'],
    options.base ?? {},
    options.write ?? ((line) => process.stdout.write(`${line}\n`)),
    options.now ?? Date.now,
  );
}
