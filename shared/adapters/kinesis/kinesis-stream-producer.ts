import { PutRecordsCommand, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import type { StreamProducer, StreamRecord } from '../../ports/index.ts';
import { PipelineError } from '../../ports/index.ts';
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  isRetriableAwsError,
  type RetryPolicy,
  type Sleep,
  sleep,
} from '../aws-common/index.ts';
import {
  KINESIS_LIMITS,
  nextRequestSize,
  type PutRecordsLimits,
  planResend,
  recordSize,
} from './put-records-plan.ts';

/** The one call the producer makes; a `KinesisClient` fits, and so does a test double. */
export interface PutRecordsClient {
  send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput>;
}

export interface KinesisStreamProducerOptions {
  retry?: RetryPolicy;
  limits?: PutRecordsLimits;
  sleep?: Sleep;
  random?: () => number;
}

interface PendingPut {
  /** Entries of this put not yet accepted for good. */
  remaining: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Entry extends StreamRecord {
  put: PendingPut;
}

interface StreamQueue {
  entries: Entry[];
  /** Set before a flush starts and cleared in the same tick its loop sees the queue empty. */
  flushing: boolean;
  /** The running flush, for `close()`. */
  done: Promise<void>;
}

/**
 * Puts records on Kinesis Data Streams with `PutRecords`.
 *
 * Puts to one stream are group-committed: while a request is in flight, later puts queue up and go
 * out together in the next one (≤ 500 records, ≤ 5 MiB), so a frame-per-put ingest does not cost a
 * request per frame. One request per stream is in flight at a time, which, with the resend rule of
 * {@link planResend}, keeps the order per partition key across requests and puts.
 *
 * Entries Kinesis rejects (`FailedRecordCount` > 0: throttled shards, internal failures) are sent
 * again, ahead of everything queued after them, with exponential back-off and full jitter. A whole
 * request that fails with a transient error (throttling, 5xx, a broken connection) is sent again the
 * same way. When the attempts run out, every queued put rejects with a retriable `PipelineError`
 * (`STREAM_WRITE`); an error no retry can fix (a missing stream, bad credentials) rejects them at
 * once with a non-retriable one. A put resolves when all its records are accepted.
 */
export class KinesisStreamProducer implements StreamProducer {
  private readonly queues = new Map<string, StreamQueue>();
  private readonly retry: RetryPolicy;
  private readonly limits: PutRecordsLimits;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private closed = false;

  constructor(
    private readonly client: PutRecordsClient,
    options: KinesisStreamProducerOptions = {},
  ) {
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.limits = options.limits ?? KINESIS_LIMITS;
    this.sleep = options.sleep ?? sleep;
    this.random = options.random ?? Math.random;
  }

  put(stream: string, records: readonly StreamRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new PipelineError('STREAM_CLOSED', 'producer closed', false));
    if (records.length === 0) return Promise.resolve();
    const tooLarge = records.find((record) => recordSize(record) > this.limits.maxBytesPerRecord);
    if (tooLarge) {
      return Promise.reject(
        new PipelineError(
          'RECORD_TOO_LARGE',
          `a record of ${recordSize(tooLarge)} bytes exceeds the Kinesis limit of ${this.limits.maxBytesPerRecord}`,
          false,
        ),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const put: PendingPut = { remaining: records.length, resolve, reject };
      const queue = this.queue(stream);
      for (const record of records) {
        queue.entries.push({ partitionKey: record.partitionKey, data: record.data, put });
      }
      if (!queue.flushing) {
        queue.flushing = true;
        queue.done = this.flush(stream, queue);
      }
    });
  }

  private queue(stream: string): StreamQueue {
    let queue = this.queues.get(stream);
    if (!queue) {
      queue = { entries: [], flushing: false, done: Promise.resolve() };
      this.queues.set(stream, queue);
    }
    return queue;
  }

  /** Sends the queue's head, one request at a time, until the queue is empty. */
  /**
   * Sends the queue's head, one request at a time, until the queue is empty. The emptiness check
   * and the clearing of `flushing` happen in one tick, so a put arriving at any point is either
   * seen by this loop or starts the next flush.
   */
  private async flush(stream: string, queue: StreamQueue): Promise<void> {
    let failedAttempts = 0;
    try {
      while (queue.entries.length > 0) {
        failedAttempts = await this.sendHead(stream, queue, failedAttempts);
      }
    } catch (error) {
      // Not expected (send errors are handled in sendHead), but no put may hang on a bug here.
      this.failAll(
        queue,
        new PipelineError('STREAM_WRITE', `PutRecords to ${stream} failed`, false, { cause: error }),
      );
    } finally {
      queue.flushing = false;
    }
  }

  /** One `PutRecords` of the queue's head; returns the count of consecutive failed attempts. */
  private async sendHead(stream: string, queue: StreamQueue, failedBefore: number): Promise<number> {
    const count = nextRequestSize(queue.entries, this.limits);
    const sent = queue.entries.slice(0, count);
    let output: PutRecordsCommandOutput;
    try {
      output = await this.client.send(
        new PutRecordsCommand({
          StreamName: stream,
          Records: sent.map((entry) => ({ PartitionKey: entry.partitionKey, Data: entry.data })),
        }),
      );
    } catch (error) {
      if (!isRetriableAwsError(error)) {
        this.failAll(
          queue,
          new PipelineError('STREAM_WRITE', `PutRecords to ${stream} failed`, false, { cause: error }),
        );
        return 0;
      }
      return this.backOff(stream, queue, failedBefore + 1, String(error), error);
    }

    const plan =
      (output.FailedRecordCount ?? 0) === 0 && output.Records?.length === sent.length
        ? { resend: [], accepted: sent, firstError: undefined }
        : planResend(sent, output.Records ?? []);
    for (const entry of plan.accepted) {
      entry.put.remaining -= 1;
      if (entry.put.remaining === 0) entry.put.resolve();
    }
    // The resent entries stay at the head: nothing queued after them may overtake them.
    queue.entries.splice(0, count, ...plan.resend);
    if (plan.resend.length === 0) return 0;
    return this.backOff(stream, queue, failedBefore + 1, plan.firstError ?? 'records rejected');
  }

  /** Waits before the next attempt, or fails every queued put when the attempts are used up. */
  private async backOff(
    stream: string,
    queue: StreamQueue,
    failedAttempts: number,
    lastError: string,
    cause?: unknown,
  ): Promise<number> {
    if (failedAttempts >= this.retry.maxAttempts) {
      this.failAll(queue, this.exhausted(stream, failedAttempts, lastError, cause));
      return 0;
    }
    await this.sleep(backoffDelay(failedAttempts, this.retry, this.random));
    return failedAttempts;
  }

  private exhausted(stream: string, attempts: number, lastError: string, cause?: unknown): PipelineError {
    return new PipelineError(
      'STREAM_WRITE',
      `PutRecords to ${stream} still failing after ${attempts} attempts (${lastError})`,
      true,
      cause === undefined ? undefined : { cause },
    );
  }

  /** Rejects every queued put: their records may be partly on the stream, which at-least-once allows. */
  private failAll(queue: StreamQueue, error: PipelineError): void {
    const puts = new Set(queue.entries.map((entry) => entry.put));
    queue.entries.length = 0;
    for (const put of puts) put.reject(error);
  }

  /** Stops taking puts and waits until every queued one has settled. */
  async close(): Promise<void> {
    this.closed = true;
    for (const queue of this.queues.values()) {
      while (queue.flushing) await queue.done;
    }
  }
}
