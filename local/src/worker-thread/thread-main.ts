/**
 * The worker thread of `geqo up`: the worker (decode, match engine, COPY into PostgreSQL) runs
 * here, beside the main thread's ingest, so a batch being prepared never delays an ack. It reads
 * the durable stream with its own connections; processed messages and metrics go
 * back to the main thread, which owns the dashboards; so does the news that a batch ended
 * matches, which the main thread passes on to the statistics thread.
 */
import { PostgresStream } from '@geqo/shared/adapters/postgres';
import type { StreamProducer, StreamRecord } from '@geqo/shared/ports';
import { readDigest } from '../frame-digests.ts';
import { openThreadContext } from '../thread-context.ts';
import { startWorkerRunner, WORKER_CONSUMER } from '../worker-runner.ts';
import { WORKER_NICE } from './priority.ts';
import type { FromWorkerThread, ToWorkerThread, WorkerThreadData } from './protocol.ts';

const { data, logger, metrics, pool, post, listen } = openThreadContext<WorkerThreadData, FromWorkerThread>({
  thread: 'worker',
  applicationName: 'geqo-up-worker',
  poolSize: 4,
  nice: WORKER_NICE,
});
const { config } = data;
// Only read here: the main thread is the stream's one writer and says when it appended.
const stream = new PostgresStream(pool);
const topics = new Set(data.topics);

const processed: StreamProducer = {
  put: async (_stream: string, records: readonly StreamRecord[]) =>
    post({ type: 'processed', records: [...records] }),
  close: async () => {},
};

const runner = startWorkerRunner({
  pool,
  consumer: stream.consumer(config.rawStream, WORKER_CONSUMER),
  rawStream: config.rawStream,
  batchSize: config.workerBatchSize,
  checkpointInTransaction: true,
  logger,
  metrics,
  processed: { producer: processed, stream: config.processedStream, wanted: (topic) => topics.has(topic) },
  onMatchesEnded: () => post({ type: 'matchesEnded' }),
  readDigest,
});

listen<ToWorkerThread>(
  (message) => {
    switch (message.type) {
      case 'append':
        stream.appended.emit('append', message.stream, message.committed);
        break;
      case 'topics':
        for (const topic of message.removed) topics.delete(topic);
        for (const topic of message.added) topics.add(topic);
        break;
      default: {
        const unknown: never = message;
        logger.warn('unknown message from the main thread', { message: String(unknown) });
      }
    }
  },
  () => runner.stop(),
);
