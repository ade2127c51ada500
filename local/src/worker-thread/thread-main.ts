/**
 * The worker thread of `geqo up`: the worker (decode, match engine, COPY into PostgreSQL) runs
 * here, beside the main thread's ingest, so a batch being prepared never delays an ack. It reads
 * the durable stream with its own connections; processed messages and metrics go
 * back to the main thread, which owns the dashboards. The statistics job runs here as well.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '@geqo/shared/adapters/logging';
import { createPool, PostgresStream } from '@geqo/shared/adapters/postgres';
import type { StreamProducer, StreamRecord } from '@geqo/shared/ports';
import { readDigest } from '../frame-digests.ts';
import { createStatsAggregation } from '../stats-aggregation.ts';
import { startWorkerRunner, WORKER_CONSUMER } from '../worker-runner.ts';
import { ForwardedMetrics } from './forwarded-metrics.ts';
import { lowerBackendPriority, lowerThreadPriority } from './priority.ts';
import type { FromWorkerThread, ToWorkerThread, WorkerThreadData } from './protocol.ts';

const port = parentPort;
if (port === null) throw new Error('thread-main.ts runs as a worker thread');
const { config, databaseUrl, topics: initialTopics } = workerData as WorkerThreadData;
const post = (message: FromWorkerThread) => port.postMessage(message);

const logger = createLogger({
  level: config.logLevel,
  name: 'geqo',
  format: config.logFormat === 'pretty' ? 'pretty' : 'json',
}).child({ thread: 'worker' });
const metrics = new ForwardedMetrics((calls) => post({ type: 'metrics', calls }));
const pool = createPool(databaseUrl, { max: 4, applicationName: 'geqo-up-worker' });
pool.on('error', (error) => logger.error('idle database connection failed', { error: String(error) }));
lowerThreadPriority(logger);
// Only sessions on the embedded server, which runs on this machine.
if (config.databaseUrl === null) lowerBackendPriority(pool, logger);
// Only read here: the main thread is the stream's one writer and says when it appended.
const stream = new PostgresStream(pool);
const topics = new Set(initialTopics);

const processed: StreamProducer = {
  put: async (_stream: string, records: readonly StreamRecord[]) =>
    post({ type: 'processed', records: [...records] }),
  close: async () => {},
};

// The statistics job is throughput work too: it reads whole matches back. It runs here, woken by
// the worker when a batch ends matches; the main thread only serves the aggregates.
const consumer = stream.consumer(config.rawStream, WORKER_CONSUMER);
consumer.onHandOverChange = (taking) => {
  logger.debug(
    taking
      ? 'worker keeps the records ingest hands over again; ingest makes frame digests'
      : 'worker fell past its hand-over limit: it reads and decodes frames from the stream table; ingest makes no digests meanwhile',
    { recordsBehind: consumer.recordsBehind() },
  );
  post({ type: 'handover', taking });
};
// Records committed on the stream and not yet stored (not read, or read and waiting for their
// batch's commit): four batches' worth (half a second at 30,000 events/s) means the worker is
// behind, and the statistics job holds off.
const BEHIND_BATCHES = 4;
const stats = createStatsAggregation({
  pool,
  logger,
  metrics,
  workerBehind: () =>
    consumer.recordsBehind() + runner.recordsAhead() >= BEHIND_BATCHES * config.workerBatchSize,
});
const runner = startWorkerRunner({
  pool,
  consumer,
  rawStream: config.rawStream,
  batchSize: config.workerBatchSize,
  checkpointInTransaction: true,
  logger,
  metrics,
  processed: { producer: processed, stream: config.processedStream, wanted: (topic) => topics.has(topic) },
  onMatchesEnded: stats.onMatchesEnded,
  readDigest,
});
// Started after the runner, which its hold-off asks how far the worker is behind.
const statsJob = stats.start();

let stopping = false;
port.on('message', (message: ToWorkerThread) => {
  switch (message.type) {
    case 'append':
      stream.appended.emit('append', message.stream, message.committed);
      break;
    case 'topics':
      for (const topic of message.removed) topics.delete(topic);
      for (const topic of message.added) topics.add(topic);
      break;
    case 'stop':
      if (stopping) return;
      stopping = true;
      void (async () => {
        await runner.stop();
        await statsJob.stop();
        metrics.close();
        await pool.end().catch(() => {});
        post({ type: 'stopped' });
      })();
      break;
    default: {
      const unknown: never = message;
      logger.warn('unknown message from the main thread', { message: String(unknown) });
    }
  }
});
post({ type: 'ready' });
