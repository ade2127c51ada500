/**
 * The thread's side of a supervised thread (`supervised-thread.ts`): what the worker thread and
 * the statistics thread both start with (the data they were given, a logger, metrics forwarded to
 * the main thread, database sessions at the thread's priority) and the stop handshake.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '@geqo/shared/adapters/logging';
import { createPool } from '@geqo/shared/adapters/postgres';
import type { Logger } from '@geqo/shared/ports';
import type pg from 'pg';
import type { LocalConfig } from './config.ts';
import type { SupervisorMessage } from './supervised-thread.ts';
import { ForwardedMetrics } from './worker-thread/forwarded-metrics.ts';
import { lowerBackendPriority, lowerThreadPriority } from './worker-thread/priority.ts';

export interface ThreadContext<Data, FromThread> {
  data: Data;
  logger: Logger;
  metrics: ForwardedMetrics;
  pool: pg.Pool;
  post(message: FromThread | SupervisorMessage): void;
  /**
   * Hands the main thread's messages to `handle`, but for `stop`: then `close` runs, the metrics
   * are flushed, the pool ends, and the main thread hears `stopped`. Says `ready` to it.
   */
  listen<ToThread extends { type: string }>(
    handle: (message: Exclude<ToThread, { type: 'stop' }>) => void,
    close: () => Promise<void>,
  ): void;
}

export function openThreadContext<
  Data extends { config: LocalConfig; databaseUrl: string },
  FromThread,
>(options: {
  /** The thread's name in its log lines. */
  thread: string;
  /** Its sessions' `application_name`. */
  applicationName: string;
  poolSize: number;
  /** The nice value of the thread and of its sessions on the embedded server. */
  nice: number;
}): ThreadContext<Data, FromThread> {
  const port = parentPort;
  if (port === null) throw new Error(`the ${options.thread} thread's module runs as a worker thread`);
  const data = workerData as Data;
  const { config } = data;
  const post = (message: FromThread | SupervisorMessage) => port.postMessage(message);
  const logger = createLogger({
    level: config.logLevel,
    name: 'geqo',
    format: config.logFormat === 'pretty' ? 'pretty' : 'json',
  }).child({ thread: options.thread });
  const metrics = new ForwardedMetrics((calls) => post({ type: 'metrics', calls }));
  const pool = createPool(data.databaseUrl, {
    max: options.poolSize,
    applicationName: options.applicationName,
  });
  pool.on('error', (error) => logger.error('idle database connection failed', { error: String(error) }));
  lowerThreadPriority(logger, options.nice);
  // Only sessions on the embedded server, which runs on this machine.
  if (config.databaseUrl === null) lowerBackendPriority(pool, logger, options.nice);
  return {
    data,
    logger,
    metrics,
    pool,
    post,
    listen: (handle, close) => {
      let stopping = false;
      port.on('message', (message: { type: string }) => {
        if (message.type !== 'stop') {
          handle(message as Parameters<typeof handle>[0]);
          return;
        }
        if (stopping) return;
        stopping = true;
        void (async () => {
          await close();
          metrics.close();
          await pool.end().catch(() => {});
          post({ type: 'stopped' });
        })();
      });
      post({ type: 'ready' });
    },
  };
}
