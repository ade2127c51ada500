import type { GameEventWorker, PreparedBatch } from '@geqo/shared/app/worker';
import type { ConsumedRecord, StreamConsumer } from '@geqo/shared/ports';

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A prepared batch waiting for its commit. */
interface Queued {
  prepared: PreparedBatch;
  /** Its last record (none for a batch of put-off snapshots alone). */
  last: ConsumedRecord | undefined;
  records: number;
  /** Being extended by the step in progress: its commit may not start yet. */
  growing: boolean;
}

/**
 * Drives the worker over the local stream with preparing and committing apart: while one batch is
 * written to PostgreSQL, the batches after it are decoded and applied in memory (their dashboard
 * messages published at once when the worker publishes on prepare), up to `maxAheadRecords`
 * records ahead of the commits, `maxPartRecords` at a time. Records that arrive while a batch waits
 * join it, up to the batch size, so a record waits for the commits before it, not for a batch to
 * fill. Commits run one at a time, in order; when one fails, no other starts, and every
 * speculative state is dropped at `reset`, after which reading restarts at the committed offset.
 *
 * It is speed machinery for `geqo up` (a Lambda processes one batch at a time): it keeps the
 * worker busy while PostgreSQL writes, and a record's wait for the dashboards independent of the
 * database's backlog: end to end at 30,000 events/s, 29.1k events/s stored and a dashboard p50 of
 * 66 ms, against 20.2k and 1,311 ms sequential; publishing at prepare, a 10-minute soak's
 * dashboard p99 266 ms against 5,073 ms for the commit-bound pipeline in the same hour
 * (docs/write-path.md). To turn it off, make `step` poll and `worker.processBatch` (what
 * `worker-runner.ts` does to isolate a failed batch).
 *
 * A failed commit is thrown by the next `step` or `flush`; the caller decides what follows
 * (`worker-runner.ts`: retry, or isolate the record that fails), `settle`s, and calls `reset`.
 */
export class WorkerPipeline {
  /** Prepared batches waiting for their commit, oldest first; the last may still grow. */
  private readonly queue: Queued[] = [];
  /** The commit in flight, if any. */
  private committing: Promise<void> | null = null;
  /** A commit failed: none starts until `reset`. Thrown once, by the next `step` or `flush`. */
  private failure: { error: unknown } | null = null;
  /** After a failure: no commit starts until `reset`, whatever is queued. */
  private halted = false;
  /**
   * A round failed: the next batch's commit is awaited within its round, so a round only counts
   * as done (and the loop's backoff only starts over) once a commit has succeeded again.
   */
  private recovering = false;
  private readonly maxAheadRecords: number;
  private readonly maxPartRecords: number;

  constructor(
    private readonly worker: GameEventWorker,
    private readonly consumer: StreamConsumer,
    private readonly options: {
      stream: string;
      consumerName: string;
      batchSize: number;
      /** The checkpoint is written in the batch's own transaction (the PostgreSQL stream). */
      checkpointInTransaction: boolean;
      /**
       * How many records may be prepared and not yet committed (default: 25 batches, about three
       * seconds of the soak's 30,000 events/s and 30 MB of encoded rows). Past it, reading waits
       * for a commit, and dashboards wait with it.
       */
      maxAheadRecords?: number;
      /**
       * How many records one `prepare` takes at most (default 10): their dashboard messages go
       * out when the part is applied, so when the worker is behind, the first record of a full
       * batch does not wait for the 39 after it.
       */
      maxPartRecords?: number;
    },
  ) {
    this.maxAheadRecords = Math.max(options.batchSize, options.maxAheadRecords ?? 25 * options.batchSize);
    this.maxPartRecords = Math.max(1, options.maxPartRecords ?? 10);
  }

  /** Where the time goes, for the periodic progress log. */
  readonly timing = { pollMs: 0, prepareMs: 0, waitMs: 0, commitMs: 0, batches: 0, records: 0 };

  /** Records prepared and not yet committed. */
  get recordsAhead(): number {
    return this.queue.reduce((sum, queued) => sum + queued.records, 0);
  }

  /**
   * One round: read what has arrived (waiting for records when nothing is in flight), prepare it
   * (as part of the last waiting batch while that has room, else as a new one), and start the next
   * commit if none runs.
   */
  async step(): Promise<void> {
    this.throwFailure();
    const waitStarted = performance.now();
    while (this.committing !== null && this.recordsAhead >= this.maxAheadRecords) {
      await this.committing.catch(() => {});
      this.throwFailure();
    }
    this.timing.waitMs += performance.now() - waitStarted;
    const inFlight = this.committing !== null || this.queue.length > 0;
    const tail = this.queue.at(-1);
    const joins = tail !== undefined && (tail !== this.queue[0] || this.committing !== null);
    const room = joins && tail.records < this.options.batchSize ? this.options.batchSize - tail.records : 0;
    const t0 = performance.now();
    const take = Math.min(room > 0 ? room : this.options.batchSize, this.maxPartRecords);
    const records = await this.consumer.poll(take, inFlight ? 0 : 250);
    this.timing.pollMs += performance.now() - t0;
    const last = records.at(-1);
    if (last === undefined) {
      if (!inFlight) await this.saveSnapshots();
      else await this.waitForWork();
      return;
    }
    const t1 = performance.now();
    // The tail's commit may have started while the poll ran: then these records make a new batch.
    if (room > 0 && tail !== undefined && this.queue.at(-1) === tail) {
      tail.growing = true;
      try {
        tail.prepared = await this.worker.prepare(records, this.checkpointAt(last), tail.prepared);
      } finally {
        tail.growing = false;
      }
      tail.last = last;
      tail.records += records.length;
    } else {
      const prepared = await this.worker.prepare(records, this.checkpointAt(last));
      this.queue.push({ prepared, last, records: records.length, growing: false });
    }
    this.timing.prepareMs += performance.now() - t1;
    this.pump();
    if (this.recovering) {
      await this.flush();
      this.recovering = false;
    }
  }

  /** The checkpoint a batch ending with `last` commits, if the consumer's goes with the batch. */
  checkpointAt(last: ConsumedRecord | undefined) {
    const own = last === undefined ? undefined : this.consumer.checkpointFor?.(last);
    if (own !== undefined) return own;
    return this.options.checkpointInTransaction && last !== undefined
      ? { stream: this.options.stream, consumer: this.options.consumerName, offset: last.position }
      : undefined;
  }

  /** Nothing new to read while batches are in flight: waits for records or for a commit to end. */
  private async waitForWork(): Promise<void> {
    const started = performance.now();
    // The commit awaited is the one in flight at each turn (a settled one would not yield).
    for (let committing = this.committing; committing !== null; committing = this.committing) {
      if (this.failure !== null) break;
      // A consumer that cannot say what has arrived (Kafka): the commit in flight ends the wait.
      if (this.consumer.waiting === undefined) {
        await committing.catch(() => {});
        break;
      }
      if (this.consumer.waiting() > 0) break;
      await Promise.race([committing.catch(() => {}), delay(1)]);
    }
    this.timing.waitMs += performance.now() - started;
  }

  /**
   * The stream is idle: writes the snapshots the worker put off (see `snapshotEveryMs`), so the
   * checkpoint catches up with the last record.
   */
  private async saveSnapshots(): Promise<void> {
    const position = this.worker.preparedPosition;
    if (this.worker.unsavedSnapshots === 0 || position === undefined || !this.options.checkpointInTransaction)
      return;
    const checkpoint = { stream: this.options.stream, consumer: this.options.consumerName, offset: position };
    this.queue.push({
      prepared: await this.worker.prepare([], checkpoint),
      last: undefined,
      records: 0,
      growing: false,
    });
    this.pump();
    await this.flush();
  }

  /** Starts the oldest waiting batch's commit unless one runs (or a failure halted them). */
  private pump(): void {
    const next = this.queue[0];
    if (this.committing !== null || this.halted || next === undefined || next.growing) return;
    this.queue.shift();
    const started = performance.now();
    const commit = this.worker.commit(next.prepared).then(async () => {
      if (!this.options.checkpointInTransaction && next.last !== undefined)
        await this.consumer.commit(next.last);
    });
    this.committing = commit;
    commit.then(
      () => {
        // Reset while it ran: what follows it belongs to the states loaded since.
        if (this.committing !== commit) return;
        this.committing = null;
        this.timing.commitMs += performance.now() - started;
        this.timing.batches += 1;
        this.timing.records += next.records;
        this.pump();
      },
      (error: unknown) => {
        if (this.committing !== commit) return;
        this.committing = null;
        this.halted = true;
        this.failure = { error };
      },
    );
  }

  private throwFailure(): void {
    const failure = this.failure;
    if (failure === null) return;
    this.failure = null;
    throw failure.error;
  }

  /** Commits every waiting batch, in order; throws the first commit that fails. */
  async flush(): Promise<void> {
    for (;;) {
      this.pump();
      const committing = this.committing;
      if (committing === null) break;
      await committing.catch(() => {});
    }
    this.throwFailure();
  }

  /** Waits for the commit in flight, if any, and starts no other (before `reset`, after a failure). */
  async settle(): Promise<void> {
    this.halted = true;
    await this.committing?.catch(() => {});
  }

  /** After a failure: forget speculative work; the next poll starts at the committed offset. */
  reset(): void {
    this.recovering = true;
    this.queue.length = 0;
    this.committing = null;
    this.failure = null;
    this.halted = false;
    this.worker.discardStates();
    this.consumer.rewind();
  }
}
