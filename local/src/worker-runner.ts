/**
 * The worker of `geqo up`, wired once: the GameEventWorker over the raw stream's consumer, driven
 * by the pipelined loop, with a progress line while it is busy. The same wiring runs in the main
 * thread or in the worker thread (`worker-thread/`); only the outlets differ.
 */
import { PostgresEventStore } from '@geqo/shared/adapters/postgres';
import {
  classifyFailure,
  type DigestReader,
  type EngineDriver,
  failureCode,
  GameEventWorker,
  isPartitionFenced,
  matchEngineDriver,
  processIsolated,
  type WorkerDeps,
} from '@geqo/shared/app/worker';
import {
  type ConsumedRecord,
  type EventStore,
  type Logger,
  type Metrics,
  PartitionsReassignedError,
  type StreamConsumer,
} from '@geqo/shared/ports';
import type pg from 'pg';
import { type Loop, startLoop } from './retrying-loop.ts';
import { WorkerPipeline } from './worker-pipeline.ts';

export const WORKER_CONSUMER = 'worker';

/**
 * How often a server's snapshot is written while its match goes on. Writing one per server per
 * batch cost a third of the worker's CPU with 50 servers; after a crash, at most about this much
 * of the stream is read again.
 */
export const SNAPSHOT_EVERY_MS = 1_000;

export interface WorkerRunnerDeps {
  pool: pg.Pool;
  consumer: StreamConsumer;
  rawStream: string;
  batchSize: number;
  /** The consumer's checkpoint goes in the worker's own transaction (the PostgreSQL stream). */
  checkpointInTransaction: boolean;
  logger: Logger;
  metrics: Metrics;
  processed: NonNullable<WorkerDeps['processed']>;
  onMatchesEnded: NonNullable<WorkerDeps['onMatchesEnded']>;
  engine?: EngineDriver;
  readDigest?: DigestReader;
  /** The store the worker writes to (default: PostgreSQL on `pool`; tests wrap it). */
  store?: EventStore;
  /** Period of the progress line (default 10 s). */
  progressMs?: number;
}

/**
 * Starts the worker loop; `stop()` finishes the batch in hand, waits for its commit and closes the
 * consumer.
 *
 * Match states stay cached between batches. With several workers on one Kafka group that is safe
 * because of the consumer's fenced mode: when the group reassigns partitions, the next poll says
 * so ({@link PartitionsReassignedError}); the runner lets the batch being committed finish (it
 * lands, or the database refuses it because its epoch is stale), drops every cached state and
 * prepared batch, and rewinds; the consumer then takes what it is assigned and reads on from the
 * stored offsets, and the states are loaded again from the snapshots stored with them.
 */
export function startWorkerRunner(deps: WorkerRunnerDeps): Loop & {
  /** Records read and prepared (their dashboard messages sent) but not yet committed. */
  recordsAhead(): number;
} {
  const logger = deps.logger.child({ component: 'worker' });
  const worker = new GameEventWorker({
    store: deps.store ?? new PostgresEventStore(deps.pool),
    engine: deps.engine ?? matchEngineDriver,
    logger,
    metrics: deps.metrics,
    // Dashboards hear of a record once it is applied, not once the database has caught up with
    // it (a dashboard applies an event once, by its key, should a failed batch be prepared again).
    processed: { ...deps.processed, publish: 'prepared' },
    cacheStates: true,
    // Snapshots are put off only where the checkpoint commits with them (the PostgreSQL stream).
    ...(deps.checkpointInTransaction ? { snapshotEveryMs: SNAPSHOT_EVERY_MS } : {}),
    ...(deps.readDigest ? { readDigest: deps.readDigest } : {}),
    onMatchesEnded: deps.onMatchesEnded,
  });
  const pipeline = new WorkerPipeline(worker, deps.consumer, {
    stream: deps.rawStream,
    consumerName: WORKER_CONSUMER,
    batchSize: deps.batchSize,
    checkpointInTransaction: deps.checkpointInTransaction,
  });
  // A progress line while the worker is busy: batches, records, and where its time went.
  const progress = setInterval(() => {
    const { timing } = pipeline;
    if (timing.batches === 0) return;
    logger.info('worker progress', {
      batches: timing.batches,
      records: timing.records,
      pollMs: Math.round(timing.pollMs),
      prepareMs: Math.round(timing.prepareMs),
      waitForCommitMs: Math.round(timing.waitMs),
      commitMs: Math.round(timing.commitMs),
      recordsAhead: pipeline.recordsAhead,
    });
    Object.assign(timing, { pollMs: 0, prepareMs: 0, waitMs: 0, commitMs: 0, batches: 0, records: 0 });
  }, deps.progressMs ?? 10_000);
  progress.unref();
  /**
   * After a batch failed for a reason that will not pass (a record the database or the code
   * refuses): the same records again, without pipelining, split down to the record that fails
   * alone, which goes to the dead letters; the rest is stored and the worker goes on.
   */
  const isolate = async () => {
    const records = await deps.consumer.poll(deps.batchSize, 250);
    const last = records.at(-1);
    if (last === undefined) return;
    const checkpointAt = (record: ConsumedRecord) => pipeline.checkpointAt(record);
    const report = await processIsolated(worker, records, { logger, metrics: deps.metrics, checkpointAt });
    if (!deps.checkpointInTransaction) await deps.consumer.commit(last);
    logger.info('failed batch isolated', { records: records.length, deadLettered: report.deadLettered });
  };
  let isolating = false;
  const step = async () => {
    if (isolating) {
      await isolate();
      isolating = false;
      return;
    }
    try {
      await pipeline.step();
    } catch (error) {
      // Whatever failed, the batch being committed settles first: one failing after the reset
      // would drop states loaded anew (and prepared on) since.
      await pipeline.settle();
      // Refused because another worker took a partition: the loop resets and tries again after a
      // pause, by when this worker's group membership has caught up.
      if (isPartitionFenced(error)) deps.metrics.count('worker_fenced_batches');
      if (error instanceof PartitionsReassignedError) {
        pipeline.reset();
        logger.info('partitions reassigned: cached match states dropped, reading on from the stored offsets');
        return;
      }
      // A failure that will pass (the database away): the loop retries with backoff.
      if (classifyFailure(error) === 'transient' || isPartitionFenced(error)) throw error;
      pipeline.reset();
      isolating = true;
      logger.warn('worker batch failed for a reason that will not pass; isolating the record', {
        error: String(error),
        code: failureCode(error),
      });
    }
  };
  const loop = startLoop(
    'worker',
    logger,
    step,
    () => pipeline.reset(),
    () => pipeline.flush(),
    // A database that is away: tried again after 100 ms, doubling up to 10 s (with jitter).
    { initialDelayMs: 100, maxDelayMs: 10_000 },
  );
  return {
    recordsAhead: () => pipeline.recordsAhead,
    stop: async () => {
      clearInterval(progress);
      await loop.stop();
      // The runner is the consumer's only reader: closing it here makes a Kafka member leave its
      // group at once, so its partitions move on without waiting for its session to time out.
      await deps.consumer.close();
    },
  };
}
