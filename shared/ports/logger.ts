/** Structured log fields with stable keys (serverId, matchId, connectionId, shardId, sequenceNumber, phase). */
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

/** Counters and timings; the local runtime serves them at `/metrics`, AWS uses CloudWatch EMF. */
export interface Metrics {
  count(name: string, value?: number, labels?: Record<string, string>): void;
  observe(name: string, value: number, labels?: Record<string, string>): void;
  /**
   * Sets a gauge (a value that goes up and down, e.g. a consumer's lag). Optional: a sink without
   * gauges (CloudWatch EMF, a thread forwarding its calls) leaves it out, and callers skip it.
   */
  gauge?(name: string, value: number, labels?: Record<string, string>): void;
}

export interface Clock {
  now(): number;
}
