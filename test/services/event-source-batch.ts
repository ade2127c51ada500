/**
 * What a Lambda event source mapping on a Kinesis stream does with one batch of one shard, as the
 * AWS documentation describes it (reference/aws-limits.md; "Retain discarded batch records",
 * "Partial batch response"). Pure rules with no I/O: the caller passes the invocation, the
 * checkpoint and the on-failure destination, so the rules are tested with a fake function.
 *
 * - Success: the function returns, with no `batchItemFailures` (or an empty or null list). The
 *   shard's checkpoint moves past the batch's last record.
 * - Partial failure (only with `reportBatchItemFailures`): the failed item with the lowest sequence
 *   number is the checkpoint: everything before it is done, and the batch is retried from it. An
 *   answer that names no record of the batch (empty or null `itemIdentifier`, an unknown sequence
 *   number) is a complete failure: the whole batch is retried. Without the setting the answer is
 *   ignored and the batch counts as a success, as on AWS.
 * - Function error (the invocation throws): with `bisectBatchOnFunctionError` a batch of two or
 *   more records is split in halves, each handled on its own, first half first; splitting does not
 *   use the retry quota. A single record, or any batch without bisect, is retried.
 * - Every retry uses one of `maximumRetryAttempts` (-1: forever). When they are spent, the
 *   batch's *metadata* (shard, sequence range, arrival times, size; never the data) goes to the
 *   on-failure destination and the shard moves past it.
 * - Records older than `maximumRecordAgeInSeconds` when an invocation is due are discarded the
 *   same way (condition `RecordAgeExceeded`), without being invoked.
 */
import { randomUUID } from 'node:crypto';
import type { KinesisEvent, KinesisEventRecord } from '../../functions/lib/stream-event.ts';

/** The settings of `CreateEventSourceMapping` these rules honour (AWS defaults in brackets). */
export interface EventSourceMappingSettings {
  /** `BatchSize`: most records per invocation, 1–10,000 [100]. */
  batchSize: number;
  /** `BisectBatchOnFunctionError` [false]. */
  bisectBatchOnFunctionError: boolean;
  /** `FunctionResponseTypes: ["ReportBatchItemFailures"]` [off: the function's answer is ignored]. */
  reportBatchItemFailures: boolean;
  /** `MaximumRetryAttempts`: -1 retries forever, else 0–10,000 [-1]. */
  maximumRetryAttempts: number;
  /**
   * `MaximumRecordAgeInSeconds`: -1 keeps records forever, else 60–604,800 [-1]. Before each
   * invocation, records older than this (by their arrival time) are discarded.
   */
  maximumRecordAgeInSeconds?: number;
}

export const DEFAULT_MAPPING_SETTINGS: EventSourceMappingSettings = {
  batchSize: 100,
  bisectBatchOnFunctionError: false,
  reportBatchItemFailures: false,
  maximumRetryAttempts: -1,
};

/** A Lambda function on a Kinesis stream: it may answer anything (Lambda parses what it returns). */
export type KinesisFunction = (event: KinesisEvent) => Promise<unknown>;

/**
 * The JSON document Lambda sends to a Kinesis mapping's on-failure destination (SQS or SNS):
 * metadata about the discarded batch, never its records.
 */
export interface KinesisOnFailureRecord {
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded';
    approximateInvokeCount: number;
  };
  responseContext: {
    statusCode: number;
    executedVersion: string;
    /** Present when the last invocation failed with an error (rather than a partial failure). */
    functionError?: 'Unhandled';
  };
  version: '1.0';
  /** ISO-8601, when the batch was discarded. */
  timestamp: string;
  KinesisBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
}

/** Where discarded batches are recorded (the mapping's `DestinationConfig.OnFailure`). */
export interface OnFailureDestination {
  send(record: KinesisOnFailureRecord): Promise<void>;
}

/** Counters of one mapping, for tests and logs. */
export interface EventSourceStats {
  invocations: number;
  /** Invocations that threw. */
  functionErrors: number;
  /** Invocations that answered `batchItemFailures` (complete failures included). */
  partialFailures: number;
  /** Invocations that used the retry quota. */
  retries: number;
  /** Batches split in halves after a function error. */
  bisections: number;
  discardedBatches: number;
  discardedRecords: number;
  /** Records the function handled (checkpointed without being discarded). */
  handledRecords: number;
}

export function emptyStats(): EventSourceStats {
  return {
    invocations: 0,
    functionErrors: 0,
    partialFailures: 0,
    retries: 0,
    bisections: 0,
    discardedBatches: 0,
    discardedRecords: 0,
    handledRecords: 0,
  };
}

/** What one batch run needs from the mapping around it. */
export interface BatchRunContext {
  settings: EventSourceMappingSettings;
  shardId: string;
  streamArn: string;
  functionArn: string;
  invoke: KinesisFunction;
  /** Records that `sequenceNumber` and everything before it in the shard as done. */
  checkpoint(sequenceNumber: string): void;
  onFailure?: OnFailureDestination;
  stats: EventSourceStats;
  /** Pause before a retry, in ms. */
  retryDelayMs: number;
  sleep(ms: number): Promise<void>;
  /** True once the mapping is being stopped: no further invocation starts. */
  stopping(): boolean;
  now?: () => number;
  newRequestId?: () => string;
}

/** `stopped`: the mapping stopped before every record was handled; the checkpoint says how far it got. */
export type BatchRunResult = 'completed' | 'stopped';

/** How one invocation ended, as the mapping reads it; `from` is the first record to retry. */
export type InvocationOutcome =
  | { kind: 'success' }
  | { kind: 'partial'; from: number }
  | { kind: 'error'; error: unknown };

/**
 * Handles one batch (records of one shard, in order) until every record is handled or discarded,
 * or the mapping stops. The checkpoint only ever moves past records that are done.
 */
export async function runEventSourceBatch(
  records: readonly KinesisEventRecord[],
  context: BatchRunContext,
): Promise<BatchRunResult> {
  return runBatch(records, context, 0);
}

async function runBatch(
  initial: readonly KinesisEventRecord[],
  context: BatchRunContext,
  retriesUsedBefore: number,
): Promise<BatchRunResult> {
  const { settings, stats } = context;
  let records = initial;
  let retriesUsed = retriesUsedBefore;
  let invokeCount = 0;
  for (;;) {
    if (records.length === 0) return 'completed';
    if (context.stopping()) return 'stopped';
    const expired = expiredCount(records, context);
    if (expired > 0) {
      const outcome = await discard(
        records.slice(0, expired),
        false,
        invokeCount,
        context,
        'RecordAgeExceeded',
      );
      if (outcome === 'stopped') return 'stopped';
      records = records.slice(expired);
      continue;
    }
    invokeCount += 1;
    const outcome = await invokeOnce(records, context);
    if (outcome.kind === 'success') {
      done(records, records.length, context);
      return 'completed';
    }
    if (outcome.kind === 'partial') {
      done(records, outcome.from, context);
      records = records.slice(outcome.from);
    } else if (settings.bisectBatchOnFunctionError && records.length > 1) {
      stats.bisections += 1;
      const half = Math.ceil(records.length / 2);
      // The halves keep the retries used so far: splitting itself uses none.
      if ((await runBatch(records.slice(0, half), context, retriesUsed)) === 'stopped') return 'stopped';
      return runBatch(records.slice(half), context, retriesUsed);
    }
    if (settings.maximumRetryAttempts >= 0 && retriesUsed >= settings.maximumRetryAttempts) {
      return discard(records, outcome.kind === 'error', invokeCount, context, 'RetryAttemptsExhausted');
    }
    retriesUsed += 1;
    stats.retries += 1;
    await context.sleep(context.retryDelayMs);
  }
}

async function invokeOnce(
  records: readonly KinesisEventRecord[],
  context: BatchRunContext,
): Promise<InvocationOutcome> {
  const { stats } = context;
  stats.invocations += 1;
  let answer: unknown;
  try {
    // A fresh event each time: a function may change what it was given.
    answer = await context.invoke({ Records: records.map((record) => structuredClone(record)) });
  } catch (error) {
    stats.functionErrors += 1;
    return { kind: 'error', error };
  }
  const outcome: InvocationOutcome = context.settings.reportBatchItemFailures
    ? readBatchResponse(answer, records)
    : { kind: 'success' };
  if (outcome.kind === 'partial') stats.partialFailures += 1;
  return outcome;
}

/**
 * Reads a `{ batchItemFailures: [{ itemIdentifier }] }` answer as Lambda does: no list, or an
 * empty one, is a success; anything that does not name records of this batch is a complete failure.
 */
export function readBatchResponse(
  answer: unknown,
  records: readonly KinesisEventRecord[],
): InvocationOutcome {
  if (typeof answer !== 'object' || answer === null) return { kind: 'success' };
  const failures = (answer as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) return { kind: 'partial', from: 0 };
  if (failures.length === 0) return { kind: 'success' };
  const indexOf = new Map(records.map((record, index) => [record.kinesis.sequenceNumber, index]));
  let from = records.length;
  for (const failure of failures) {
    const identifier = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const index = typeof identifier === 'string' ? indexOf.get(identifier) : undefined;
    if (index === undefined) return { kind: 'partial', from: 0 };
    from = Math.min(from, index);
  }
  return { kind: 'partial', from };
}

/** Checkpoints the first `count` records as handled. */
function done(records: readonly KinesisEventRecord[], count: number, context: BatchRunContext): void {
  const last = records[count - 1];
  if (!last) return;
  context.stats.handledRecords += count;
  context.checkpoint(last.kinesis.sequenceNumber);
}

/** How many records at the start of the batch are older than the mapping's maximum record age. */
function expiredCount(records: readonly KinesisEventRecord[], context: BatchRunContext): number {
  const maximumAge = context.settings.maximumRecordAgeInSeconds ?? -1;
  if (maximumAge < 0) return 0;
  const now = context.now?.() ?? Date.now();
  const young = records.findIndex(
    (record) => now - record.kinesis.approximateArrivalTimestamp * 1000 <= maximumAge * 1000,
  );
  return young === -1 ? records.length : young;
}

async function discard(
  records: readonly KinesisEventRecord[],
  functionError: boolean,
  invokeCount: number,
  context: BatchRunContext,
  condition: KinesisOnFailureRecord['requestContext']['condition'],
): Promise<BatchRunResult> {
  const first = records[0]!;
  const last = records.at(-1)!;
  const arrival = (record: KinesisEventRecord) =>
    new Date(Math.round(record.kinesis.approximateArrivalTimestamp * 1000)).toISOString();
  const record: KinesisOnFailureRecord = {
    requestContext: {
      requestId: context.newRequestId?.() ?? randomUUID(),
      functionArn: context.functionArn,
      condition,
      approximateInvokeCount: invokeCount,
    },
    responseContext: {
      statusCode: 200,
      executedVersion: '$LATEST',
      ...(functionError ? { functionError: 'Unhandled' as const } : {}),
    },
    version: '1.0',
    timestamp: new Date(context.now?.() ?? Date.now()).toISOString(),
    KinesisBatchInfo: {
      shardId: context.shardId,
      startSequenceNumber: first.kinesis.sequenceNumber,
      endSequenceNumber: last.kinesis.sequenceNumber,
      approximateArrivalOfFirstRecord: arrival(first),
      approximateArrivalOfLastRecord: arrival(last),
      batchSize: records.length,
      streamArn: context.streamArn,
    },
  };
  // The shard only moves past the batch once its discard is on record: a destination that is
  // down holds the shard, as it would on AWS.
  while (context.onFailure) {
    try {
      await context.onFailure.send(record);
      break;
    } catch {
      if (context.stopping()) return 'stopped';
      await context.sleep(context.retryDelayMs);
    }
  }
  context.stats.discardedBatches += 1;
  context.stats.discardedRecords += records.length;
  context.checkpoint(last.kinesis.sequenceNumber);
  return 'completed';
}
