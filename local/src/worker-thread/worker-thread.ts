/**
 * The main thread's side of the worker thread: starts it (under supervision: restarted if it
 * dies, when it resumes from the committed checkpoint and snapshots, like a restart), tells it
 * when the stream grew and which topics dashboards follow, and takes back its processed messages,
 * ended matches and metrics.
 */
import type { EventEmitter } from 'node:events';
import type { AppendListener } from '@geqo/shared/adapters/postgres';
import type { Logger, Metrics, StreamRecord } from '@geqo/shared/ports';
import type { LocalConfig } from '../config.ts';
import type { Loop } from '../retrying-loop.ts';
import { superviseThread } from '../supervised-thread.ts';
import type { FromWorkerThread, ToWorkerThread, WorkerThreadData } from './protocol.ts';

const ENTRY = new URL('./entry.mjs', import.meta.url);
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
  /** A committed batch ended matches (the statistics job's cue). */
  onMatchesEnded?: () => void;
}

export function startWorkerThread(options: WorkerThreadOptions): Loop {
  const { logger } = options;
  const thread = superviseThread<ToWorkerThread, FromWorkerThread>({
    entry: ENTRY,
    name: 'geqo-worker',
    label: 'worker thread',
    logger,
    metrics: options.metrics,
    workerData: (): WorkerThreadData => ({
      config: options.config,
      databaseUrl: options.databaseUrl,
      topics: options.topics.current(),
    }),
    // A batch's decoded events live until it is committed: a young generation that holds a
    // batch lets them die young instead of being copied and promoted (about 10 % less CPU).
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    onMessage: (message) => {
      switch (message.type) {
        case 'processed':
          options
            .onProcessed(message.records)
            .catch((error: unknown) =>
              logger.error('could not hand processed messages to the broadcaster', { error: String(error) }),
            );
          break;
        case 'matchesEnded':
          options.onMatchesEnded?.();
          break;
        default: {
          const unknown: never = message;
          logger.warn('unknown message from the worker thread', { message: String(unknown) });
        }
      }
    },
  });

  // The committed records go along, so the thread need not read them back from the table. Each
  // is copied out on its own: a record can be a view into a larger buffer, which would be cloned whole.
  const onAppend: AppendListener = (stream, committed) =>
    thread.send({
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
  const unwatch = options.topics.watch(({ added, removed }) =>
    thread.send({ type: 'topics', added, removed }),
  );
  options.appended.on('append', onAppend);

  return {
    stop: async () => {
      options.appended.off('append', onAppend);
      unwatch();
      await thread.stop();
    },
  };
}
