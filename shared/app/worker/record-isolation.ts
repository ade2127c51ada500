import {
  type ConsumedRecord,
  type Logger,
  type Metrics,
  PARTITION_FENCED_SQLSTATE,
  PipelineError,
  type StreamCheckpoint,
} from '../../ports/index.ts';
import type { BatchReport, GameEventWorker } from './game-event-worker.ts';

/**
 * Whether a failed batch can succeed if tried again as it is (`transient`: the database is away,
 * busy or restarting) or never will (`permanent`: something in a record the database or the code
 * refuses, every time).
 */
export type FailureKind = 'transient' | 'permanent';

/** SQLSTATEs of a database that is away or busy, not of anything wrong with the batch. */
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '57P01', '57P02', '57P03', '53300']);
/**
 * Node's socket errors: the connection, not the data (a COPY whose connection dies ends its
 * stream early: `ERR_STREAM_PREMATURE_CLOSE`).
 */
const TRANSIENT_SOCKET_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
]);
/**
 * What `pg` throws without a code when the server goes away under a client (its messages are
 * stable: the pool and client use them as is), and the pool's wait for a free connection.
 */
const TRANSIENT_MESSAGES =
  /connection terminated|connection error|not queryable|timeout exceeded when trying to connect|terminating connection/i;

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Classifies a batch's failure by the PostgreSQL SQLSTATE (class 08, 40001, 40P01, 57P01-57P03,
 * 53300 are transient) or node's socket error code; a retriable {@link PipelineError} is transient.
 * Everything else is permanent, notably a RangeError or TypeError thrown while preparing a
 * record, and SQLSTATE 22xxx (bad data), 23xxx (a constraint) and 42xxx (a statement built from
 * a record). A wrapped error is judged by its cause; an AggregateError (node tries IPv4 and IPv6)
 * by its parts.
 */
export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof PipelineError) {
    if (error.retriable) return 'transient';
    return error.cause === undefined ? 'permanent' : classifyFailure(error.cause);
  }
  const code = codeOf(error);
  if (code !== undefined) {
    if (code.length === 5 && code.startsWith('08')) return 'transient';
    if (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_SOCKET_CODES.has(code)) return 'transient';
  }
  if (error instanceof AggregateError && error.errors.some((part) => classifyFailure(part) === 'transient'))
    return 'transient';
  if (error instanceof RangeError || error instanceof TypeError || error instanceof SyntaxError)
    return 'permanent';
  if (code === undefined && error instanceof Error && TRANSIENT_MESSAGES.test(error.message))
    return 'transient';
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (code === undefined && cause !== undefined && cause !== error) return classifyFailure(cause);
  return 'permanent';
}

/**
 * The store refused a batch because another worker took one of its partitions since (see
 * `ports/partition-ownership.ts`). Neither transient nor a bad record: nothing of the batch may be
 * written by this worker, so it is never split or dead-lettered; the worker drops its state and
 * reads again from the stored positions once it holds partitions again.
 */
export function isPartitionFenced(error: unknown): boolean {
  if (codeOf(error) === PARTITION_FENCED_SQLSTATE) return true;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause !== undefined && cause !== error && isPartitionFenced(cause);
}

/** The code a failure is logged and dead-lettered with: its SQLSTATE or errno, else its name. */
export function failureCode(error: unknown): string {
  return codeOf(error) ?? (error instanceof Error ? error.name : 'UNKNOWN');
}

export interface IsolationSteps<R> {
  /** Applies and commits records as one batch, all or nothing. */
  process(records: readonly R[]): Promise<void>;
  /** Puts a record that fails on its own aside (dead letters), with the error it failed with. */
  deadLetter(record: R, error: unknown): Promise<void>;
  classify?: (error: unknown) => FailureKind;
  /** Told each time a batch fails permanently and is split (for a log line). */
  onSplit?: (records: readonly R[], error: unknown) => void;
}

export interface IsolationReport {
  /** Records put aside because they failed alone. */
  deadLettered: number;
}

/**
 * Processes records as one batch; if the batch fails for a reason that will not pass, it is
 * split in halves, each tried on its own, down to the record that fails alone, which goes to the
 * dead letters; the rest commits. Halves run left to right, each committed (or put aside) before
 * the next begins, so the records of one server and session are still applied in their order.
 * `process` must leave nothing behind when it fails (the worker forgets the states it touched).
 *
 * A transient failure is rethrown at once, never dead-lettered: the caller retries (the local
 * loop with backoff, the stream's redelivery on Lambda); what committed before it stays committed
 * and is skipped as a duplicate when redelivered.
 */
export async function processWithIsolation<R>(
  records: readonly R[],
  steps: IsolationSteps<R>,
): Promise<IsolationReport> {
  const classify = steps.classify ?? classifyFailure;
  const report: IsolationReport = { deadLettered: 0 };
  const run = async (slice: readonly R[]): Promise<void> => {
    if (slice.length === 0) return;
    try {
      await steps.process(slice);
      return;
    } catch (error) {
      if (classify(error) === 'transient' || isPartitionFenced(error)) throw error;
      const [only] = slice;
      if (slice.length === 1 && only !== undefined) {
        await steps.deadLetter(only, error);
        report.deadLettered += 1;
        return;
      }
      steps.onSplit?.(slice, error);
    }
    const middle = Math.ceil(slice.length / 2);
    await run(slice.slice(0, middle));
    await run(slice.slice(middle));
  };
  await run(records);
  return report;
}

export interface IsolatedBatchDeps {
  logger: Logger;
  metrics: Metrics;
  /** The checkpoint a batch ending with `record` commits (the local stream's); none on Lambda. */
  checkpointAt?: (record: ConsumedRecord) => StreamCheckpoint | undefined;
  /** Told of each part of the batch that committed. */
  onCommitted?: (records: readonly ConsumedRecord[], report: BatchReport) => void;
}

type IsolatingWorker = Pick<GameEventWorker, 'processBatch' | 'deadLetter'>;

/**
 * The worker's batch through {@link processWithIsolation}: committed whole if it can be, else in
 * halves down to the record that fails alone, which is put aside ({@link putAside}). `geqo up`
 * runs it after a pipelined batch failed for good; the Lambda worker on every batch.
 */
export function processIsolated(
  worker: IsolatingWorker,
  records: readonly ConsumedRecord[],
  deps: IsolatedBatchDeps,
): Promise<IsolationReport> {
  const checkpointAt = (record: ConsumedRecord | undefined) =>
    record === undefined ? undefined : deps.checkpointAt?.(record);
  return processWithIsolation(records, {
    process: async (slice) => {
      const report = await worker.processBatch(slice, checkpointAt(slice.at(-1)));
      deps.onCommitted?.(slice, report);
    },
    deadLetter: (record, error) => putAside(worker, record, error, checkpointAt(record), deps.metrics),
    onSplit: (slice, error) =>
      deps.logger.warn('splitting a batch that failed for a reason that will not pass', {
        shardId: slice[0]?.shard,
        sequenceNumber: slice[0]?.position,
        records: slice.length,
        code: failureCode(error),
        error: String(error),
      }),
  });
}

/**
 * Puts aside a record that failed on its own for a reason that will not pass: it goes to the dead
 * letters with its payload, position and the error (code `UNPROCESSABLE`), and its frame counts as
 * applied without its events, so its session goes on at once instead of waiting for the gap to
 * time out. If that still fails, what fails is a frame it releases from the sequencer (one that
 * came early and waited for it): then the record is applied whole and the released frames are put
 * aside, each a dead letter of its own (or they would fail every later record of the server);
 * last, both. If nothing works (the frame's own fields are what the database refuses), the letter
 * is written alone and the server's state is left as it was. A transient failure is thrown.
 */
export async function putAside(
  worker: IsolatingWorker,
  record: ConsumedRecord,
  error: unknown,
  checkpoint: StreamCheckpoint | undefined,
  metrics: Metrics,
): Promise<void> {
  const detail = (error as { detail?: unknown } | null)?.detail;
  const message = error instanceof Error ? error.message : String(error);
  const reason = `[${failureCode(error)}] ${message}${typeof detail === 'string' ? ` (${detail})` : ''}`;
  const letters = [worker.deadLetter(record, 'UNPROCESSABLE', reason)];
  metrics.count('worker_isolated_records');
  for (const [withoutEvents, released] of [
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    try {
      await worker.processBatch([record], checkpoint, {
        letters: withoutEvents ? letters : [],
        withoutEvents,
        ...(released ? { releasedReason: reason } : {}),
      });
      return;
    } catch (failure) {
      if (classifyFailure(failure) === 'transient') throw failure;
    }
  }
  await worker.processBatch([], checkpoint, { letters, withoutEvents: false });
}
