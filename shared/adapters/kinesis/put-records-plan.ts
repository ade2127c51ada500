import type { StreamRecord } from '../../ports/index.ts';

/** Kinesis `PutRecords` limits (reference/aws-limits.md). */
export interface PutRecordsLimits {
  maxRecordsPerRequest: number;
  /** Data plus partition keys of one request. */
  maxBytesPerRequest: number;
  /** Data plus partition key of one record. */
  maxBytesPerRecord: number;
}

export const KINESIS_LIMITS: PutRecordsLimits = {
  maxRecordsPerRequest: 500,
  maxBytesPerRequest: 5 * 1024 * 1024,
  maxBytesPerRecord: 1024 * 1024,
};

/** Bytes a record counts against the limits: its data and its partition key in UTF-8. */
export function recordSize(record: StreamRecord): number {
  return record.data.byteLength + Buffer.byteLength(record.partitionKey, 'utf8');
}

/**
 * How many records from the head of `records` go into the next request: as many as fit both the
 * record and the byte limit, and always at least one (a record is checked against the per-record
 * limit before it is queued, so one always fits).
 */
export function nextRequestSize(
  records: readonly StreamRecord[],
  limits: PutRecordsLimits = KINESIS_LIMITS,
): number {
  let bytes = 0;
  let count = 0;
  for (const record of records) {
    if (count === limits.maxRecordsPerRequest) break;
    const size = recordSize(record);
    if (count > 0 && bytes + size > limits.maxBytesPerRequest) break;
    bytes += size;
    count += 1;
  }
  return count;
}

/** What `PutRecords` said about one entry: a sequence number, or an error code. */
export interface PutRecordsEntryResult {
  SequenceNumber?: string | undefined;
  ErrorCode?: string | undefined;
  ErrorMessage?: string | undefined;
}

export interface ResendPlan<T extends StreamRecord> {
  /** Entries to send again, in their original order. */
  resend: T[];
  /** Entries the stream accepted for good (never to be sent again). */
  accepted: T[];
  /** Entries Kinesis rejected (a subset of `resend`). */
  failed: number;
  /** The first rejection, for the error message when retries run out. */
  firstError: string | undefined;
}

/**
 * Splits one request's entries into those accepted for good and those to send again.
 *
 * Kinesis takes the entries of a request independently: when entry `i` of key K fails and a later
 * entry `j` of the same key succeeds, `j` is already on the shard ahead of `i`. Sending only `i`
 * again would leave K's records out of order for good. So every entry of K from the first failed
 * one on is sent again, in order, including those that succeeded: the shard then holds `j`, `i`,
 * `j` — the later copy of `j` restores the order, and the early copy is a duplicate, which the
 * stream's consumers handle anyway (delivery is at least once; the worker applies each server's
 * frames in `seq` order and ignores a `seq` it already applied).
 *
 * A missing result entry counts as a failure: the request is answered for every entry, and
 * anything else must not be taken as acceptance.
 */
export function planResend<T extends StreamRecord>(
  sent: readonly T[],
  results: readonly PutRecordsEntryResult[],
): ResendPlan<T> {
  const blockedKeys = new Set<string>();
  const resend: T[] = [];
  const accepted: T[] = [];
  let failed = 0;
  let firstError: string | undefined;
  sent.forEach((record, index) => {
    const result = results[index];
    const rejected = !result || result.ErrorCode !== undefined || result.SequenceNumber === undefined;
    if (rejected) {
      failed += 1;
      firstError ??= result?.ErrorCode
        ? `${result.ErrorCode}: ${result.ErrorMessage ?? ''}`.trim()
        : 'no result for the entry';
    }
    if (rejected || blockedKeys.has(record.partitionKey)) {
      blockedKeys.add(record.partitionKey);
      resend.push(record);
    } else {
      accepted.push(record);
    }
  });
  return { resend, accepted, failed, firstError };
}
