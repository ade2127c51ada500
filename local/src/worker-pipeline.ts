import type { GameEventWorker } from '@geqo/shared/app/worker';
import type { StreamConsumer } from '@geqo/shared/ports';

/**
 * Drives the worker over the local stream with two batches in flight: while one batch is being
 * written to PostgreSQL, the next is decoded and applied in memory. Commits stay in order; when
 * one fails, every speculative state is dropped and reading restarts at the committed offset.
 */
export class WorkerPipeline {
  private committing: Promise<void> | null = null;

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

  /** One round: poll, prepare, wait for the previous commit, start this one. */
  async step(): Promise<void> {
    const t0 = performance.now();
    const records = await this.consumer.poll(this.options.batchSize, this.committing === null ? 250 : 0);
    const t1 = performance.now();
    const last = records.at(-1);
    if (!last) {
      await this.flush();
      return;
    }
    this.timing.pollMs += t1 - t0;
    this.timing.batches += 1;
    this.timing.records += records.length;
    const prepared = await this.worker.prepare(
      records,
      this.options.checkpointInTransaction
        ? { stream: this.options.stream, consumer: this.options.consumerName, offset: last.position }
        : undefined,
    );
    const t2 = performance.now();
    this.timing.prepareMs += t2 - t1;
    await this.flush();
    const t3 = performance.now();
    this.timing.waitMs += t3 - t2;
    const commit = this.worker.commit(prepared).then(async () => {
      if (!this.options.checkpointInTransaction) await this.consumer.commit(last);
      this.timing.commitMs += performance.now() - t3;
    });
    // Its failure is handled where it is awaited (the next step or flush).
    commit.catch(() => {});
    this.committing = commit;
  }

  /** Waits for the batch being written, if any. */
  async flush(): Promise<void> {
    const committing = this.committing;
    this.committing = null;
    if (committing !== null) await committing;
  }

  /** After a failure: forget speculative work; the next poll starts at the committed offset. */
  reset(): void {
    this.committing = null;
    this.worker.discardStates();
    this.consumer.rewind();
  }
}
