import type { GameEventWorker, PreparedBatch } from '@geqo/shared/app/worker';
import type { ConsumedRecord, StreamConsumer } from '@geqo/shared/ports';

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Drives the worker over the local stream with two batches in flight: while one batch is being
 * written to PostgreSQL, the next is decoded and applied in memory, and what arrives meanwhile
 * joins it (so a record waits for one commit, not two). Commits stay in order; when one fails,
 * every speculative state is dropped and reading restarts at the committed offset.
 *
 * It is speed machinery for `geqo up` (a Lambda processes one batch at a time): it keeps the
 * worker busy while PostgreSQL writes, and a record's wait to one commit: end to end at 30,000
 * events/s, 29.1k events/s stored and a dashboard p50 of 66 ms, against 20.2k and 1,311 ms
 * sequential (docs/write-path.md). To turn it off, make `step` poll and `worker.processBatch`
 * (what `worker-runner.ts` does to isolate a failed batch).
 *
 * A failed commit is thrown by the next `step` or `flush`; the caller decides what follows
 * (`worker-runner.ts`: retry, or isolate the record that fails) and calls `reset` first.
 */
export class WorkerPipeline {
  private committing: Promise<void> | null = null;
  /** Whether the commit in flight has finished (either way). */
  private committed = true;
  /**
   * A round failed: the next batch's commit is awaited within its round, so a round only counts
   * as done (and the loop's backoff only starts over) once a commit has succeeded again.
   */
  private recovering = false;

  constructor(
    private readonly worker: GameEventWorker,
    private readonly consumer: StreamConsumer,
    private readonly options: {
      stream: string;
      consumerName: string;
      batchSize: number;
      /** The checkpoint is written in the batch's own transaction (the PostgreSQL stream). */
      checkpointInTransaction: boolean;
    },
  ) {}

  /** Where the time goes, for the periodic progress log. */
  readonly timing = { pollMs: 0, prepareMs: 0, waitMs: 0, commitMs: 0, batches: 0, records: 0 };

  /**
   * One round: poll, prepare, add what arrives while the previous commit runs, then start this
   * batch's commit.
   */
  async step(): Promise<void> {
    const t0 = performance.now();
    // With no commit in flight the poll waits for records: an empty answer then means the stream
    // is idle (not merely that nothing came while a commit ran).
    const waited = this.committing === null;
    const records = await this.consumer.poll(this.options.batchSize, waited ? 250 : 0);
    const t1 = performance.now();
    let last = records.at(-1);
    if (!last) {
      await this.flush();
      if (waited) await this.saveSnapshots();
      return;
    }
    this.timing.pollMs += t1 - t0;
    this.timing.batches += 1;
    let prepared = await this.worker.prepare(records, this.checkpointAt(last));
    let count = records.length;
    this.timing.prepareMs += performance.now() - t1;
    // Until the commit before it is done, records that arrive join this batch, up to the batch
    // size (larger batches made the slowest commits slower: the dashboards' tail latency).
    const maxRecords = this.options.batchSize;
    const waitStarted = performance.now();
    let joinedPrepareMs = 0;
    while (this.committing !== null && !this.committed && count < maxRecords) {
      const ready = Math.min(this.consumer.waiting?.() ?? 0, maxRecords - count);
      if (ready === 0) {
        if (this.consumer.waiting === undefined) break;
        await Promise.race([this.committing.catch(() => {}), delay(1)]);
        continue;
      }
      const more = await this.consumer.poll(ready, 0);
      const moreLast = more.at(-1);
      if (!moreLast) continue;
      const t = performance.now();
      prepared = await this.worker.prepare(more, this.checkpointAt(moreLast), prepared);
      joinedPrepareMs += performance.now() - t;
      last = moreLast;
      count += more.length;
    }
    await this.flush();
    const t3 = performance.now();
    this.timing.prepareMs += joinedPrepareMs;
    this.timing.waitMs += t3 - waitStarted - joinedPrepareMs;
    this.timing.records += count;
    this.startCommit(prepared, last, t3);
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

  /**
   * The stream is idle: writes the snapshots the worker put off (see `snapshotEveryMs`), so the
   * checkpoint catches up with the last record.
   */
  private async saveSnapshots(): Promise<void> {
    const position = this.worker.preparedPosition;
    if (this.worker.unsavedSnapshots === 0 || position === undefined || !this.options.checkpointInTransaction)
      return;
    const checkpoint = { stream: this.options.stream, consumer: this.options.consumerName, offset: position };
    this.startCommit(await this.worker.prepare([], checkpoint), undefined, performance.now());
    await this.flush();
  }

  private startCommit(prepared: PreparedBatch, last: ConsumedRecord | undefined, started: number): void {
    this.committed = false;
    const commit = this.worker.commit(prepared).then(async () => {
      if (!this.options.checkpointInTransaction && last !== undefined) await this.consumer.commit(last);
      this.timing.commitMs += performance.now() - started;
    });
    // Its failure is handled where it is awaited (the next step or flush).
    commit
      .catch(() => {})
      .finally(() => {
        if (this.committing === commit) this.committed = true;
      });
    this.committing = commit;
  }

  /** Waits for the batch being written, if any. */
  async flush(): Promise<void> {
    const committing = this.committing;
    this.committing = null;
    this.committed = true;
    if (committing !== null) await committing;
  }

  /** After a failure: forget speculative work; the next poll starts at the committed offset. */
  reset(): void {
    this.recovering = true;
    this.committing = null;
    this.committed = true;
    this.worker.discardStates();
    this.consumer.rewind();
  }
}
