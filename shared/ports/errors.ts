/**
 * The base of every error the pipeline raises on purpose. `code` is stable (clients and
 * dashboards match on it); `retriable` tells a stream consumer whether trying again can help.
 */
export class PipelineError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PipelineError';
  }
}

/** The stream or the database is not reachable right now: try again later. */
export class UnavailableError extends PipelineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('UNAVAILABLE', message, true, options);
    this.name = 'UnavailableError';
  }
}

/** Programmer errors are never retried: the same input fails the same way. */
export function isProgrammerError(error: unknown): boolean {
  return error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError;
}
