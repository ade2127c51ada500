/**
 * The main thread's side of the worker thread: starts it, tells it when the stream grew and which
 * topics dashboards follow, takes back its processed messages, ended matches and metrics, and
 * restarts it if it dies (it resumes from the committed checkpoint and snapshots, like a restart).
 */
import type { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { AppendListener } from '@geqo/shared/adapters/postgres';
import type { Logger, Metrics, StreamRecord } from '@geqo/shared/ports';
import type { LocalConfig } from '../config.ts';
import type { Loop } from '../retrying-loop.ts';
import { replayMetricCalls } from './forwarded-metrics.ts';
import type { FromWorkerThread, ToWorkerThread, WorkerThreadData } from './protocol.ts';

const ENTRY = new URL('./entry.mjs', import.meta.url);
const RESTART_DELAY_MS = 1_000;
const STOP_TIMEOUT_MS = 60_000;
const WORKER_YOUNG_GENERATION_MB = 192;

export interface WorkerThreadOptions {
  config: LocalConfig;
  databaseUrl: string;
  logger: Logger;
  metrics: Metrics;
  /** Emits `append` after each commit of the main thread's stream writer ({@link AppendListener}). */
  appended: EventEmitter;
  /** The topics dashboards follow now, and each change to them. */
  topics: {
    current(): string[];
    watch(listener: (change: { added: string[]; removed: string[] }) => void): () => void;
  };
  onProcessed: (records: StreamRecord[]) => Promise<void>;
  /**
   * Whether the thread keeps the records handed over with `append` (see `handover` in
   * `protocol.ts`); `true` again when a thread (re)starts.
   */
  onHandOverChange?: (taking: boolean) => void;
}

export function startWorkerThread(options: WorkerThreadOptions): Loop {
  const { logger } = options;
  let worker: Worker;
  let running = false;
  let stopping = false;
  let stopped: (() => void) | null = null;

  const send = (message: ToWorkerThread) => worker.postMessage(message);
  // The committed records go along, so the thread need not read them back from the table. Each
  // is copied out on its own: a record can be a view into a larger buffer, which would be cloned whole.
  const onAppend: AppendListener = (stream, committed) =>
    send({
      type: 'append',
      stream,
      ...(committed
        ? {
            committed: {
              ...committed,
              records: committed.records.map((record) => ({ ...record, data: new Uint8Array(record.data) })),
            },
          }
        : {}),
    });
  const unwatch = options.topics.watch(({ added, removed }) => send({ type: 'topics', added, removed }));
  options.appended.on('append', onAppend);

  const spawn = () => {
    const data: WorkerThreadData = {
      config: options.config,
      databaseUrl: options.databaseUrl,
      topics: options.topics.current(),
    };
    worker = new Worker(ENTRY, {
      workerData: data,
      name: 'geqo-worker',
      // A batch's decoded events live until it is committed: a young generation that holds a
      // batch lets them die young instead of being copied and promoted (about 10 % less CPU).
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    worker.on('message', (message: FromWorkerThread) => {
      switch (message.type) {
        case 'ready':
          logger.info('worker thread ready', { threadId: worker.threadId });
          break;
        case 'processed':
          options
            .onProcessed(message.records)
            .catch((error: unknown) =>
              logger.error('could not hand processed messages to the broadcaster', { error: String(error) }),
            );
          break;
        case 'metrics':
          replayMetricCalls(options.metrics, message.calls);
          break;
        case 'handover':
          options.onHandOverChange?.(message.taking);
          break;
        case 'stopped':
          stopped?.();
          break;
        default: {
          const unknown: never = message;
          logger.warn('unknown message from the worker thread', { message: String(unknown) });
        }
      }
    });
    worker.on('error', (error) => logger.error('worker thread failed', { error: String(error) }));
    running = true;
    worker.on('exit', (code) => {
      running = false;
      if (stopping) return;
      // The thread that comes next keeps what it is handed from its first poll.
      options.onHandOverChange?.(true);
      logger.error('worker thread exited; restarting it', { code, restartInMs: RESTART_DELAY_MS });
      setTimeout(() => {
        if (!stopping) spawn();
      }, RESTART_DELAY_MS).unref();
    });
  };
  spawn();

  return {
    stop: async () => {
      if (stopping) return;
      stopping = true;
      options.appended.off('append', onAppend);
      unwatch();
      // Died and not yet restarted: nothing to stop.
      if (!running) return;
      const done = new Promise<void>((resolve) => {
        stopped = resolve;
        worker.once('exit', () => resolve());
      });
      send({ type: 'stop' });
      const timeout = new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS).unref(),
      );
      if ((await Promise.race([done, timeout])) === 'timeout')
        logger.warn('worker thread did not stop in time; terminating it');
      await worker.terminate();
    },
  };
}
