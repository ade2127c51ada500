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

/**
 * The SQLSTATE a store raises when a write's partition epoch is no longer the current one: another
 * worker took the partition since. Nothing of the write is stored, and trying it again cannot help:
 * the worker must drop what it derived from the partition and wait for the group's next assignment.
 */
export const PARTITION_FENCED_SQLSTATE = 'GQF01';

/**
 * The stream consumer's partitions changed (a rebalance) since it handed out records: the caller
 * drops everything derived from them (cached match states, a prepared batch), lets a commit in
 * flight finish, and calls `rewind()`; the next poll reads from the stored positions again.
 */
export class PartitionsReassignedError extends PipelineError {
  constructor(message = 'the consumer group reassigned partitions since records were handed out') {
    super('PARTITIONS_REASSIGNED', message, true);
    this.name = 'PartitionsReassignedError';
  }
}
