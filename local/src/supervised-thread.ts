/**
 * A thread of `geqo up` under the main thread's care: started, restarted a second after it dies
 * (it resumes from what it committed, like a restart of the process), and stopped by asking
 * (`{type: 'stop'}`, answered `{type: 'stopped'}`) within a deadline, after which it is
 * terminated. The metrics it forwards are replayed into the main thread's registry. The worker
 * thread (`worker-thread/`) and the statistics thread (`stats-thread/`) both run this way.
 */
import { type ResourceLimits, Worker } from 'node:worker_threads';
import type { Logger, Metrics } from '@geqo/shared/ports';
import type { Loop } from './retrying-loop.ts';
import { type MetricCall, replayMetricCalls } from './worker-thread/forwarded-metrics.ts';

const RESTART_DELAY_MS = 1_000;
const STOP_TIMEOUT_MS = 60_000;

/** What every supervised thread may send: its own messages go to `onMessage`. */
export type SupervisorMessage =
  | { type: 'ready' }
  | { type: 'metrics'; calls: MetricCall[] }
  /** Answer to `stop`: everything is committed and closed. */
  | { type: 'stopped' };

export interface SupervisedThread<ToThread> extends Loop {
  /** Posts to the thread running now (dropped while it is being restarted). */
  send(message: ToThread | { type: 'stop' }): void;
}

export function superviseThread<ToThread, FromThread extends { type: string }>(options: {
  /** The thread's entry module. */
  entry: URL;
  /** The thread's name, e.g. `geqo-worker`; logs call it by `label` ("worker thread"). */
  name: string;
  label: string;
  logger: Logger;
  metrics: Metrics;
  /** Its `workerData`, made anew for each start. */
  workerData: () => unknown;
  resourceLimits?: ResourceLimits;
  /** The thread's messages other than the supervisor's own. */
  onMessage: (message: Exclude<FromThread, SupervisorMessage>) => void;
}): SupervisedThread<ToThread> {
  const { logger, label } = options;
  let thread: Worker;
  let running = false;
  let stopping = false;
  let stopped: (() => void) | null = null;
  const send = (message: ToThread | { type: 'stop' }) => {
    if (running) thread.postMessage(message);
  };

  const spawn = () => {
    thread = new Worker(options.entry, {
      workerData: options.workerData(),
      name: options.name,
      ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
    });
    thread.on('message', (message: FromThread | SupervisorMessage) => {
      switch (message.type) {
        case 'ready':
          logger.info(`${label} ready`, { threadId: thread.threadId });
          break;
        case 'metrics':
          replayMetricCalls(
            options.metrics,
            (message as Extract<SupervisorMessage, { type: 'metrics' }>).calls,
          );
          break;
        case 'stopped':
          stopped?.();
          break;
        default:
          options.onMessage(message as Exclude<FromThread, SupervisorMessage>);
      }
    });
    thread.on('error', (error) => logger.error(`${label} failed`, { error: String(error) }));
    running = true;
    thread.on('exit', (code) => {
      running = false;
      if (stopping) return;
      logger.error(`${label} exited; restarting it`, { code, restartInMs: RESTART_DELAY_MS });
      setTimeout(() => {
        if (!stopping) spawn();
      }, RESTART_DELAY_MS).unref();
    });
  };
  spawn();

  return {
    send,
    stop: async () => {
      if (stopping) return;
      stopping = true;
      // Died and not yet restarted: nothing to stop.
      if (!running) return;
      const done = new Promise<void>((resolve) => {
        stopped = resolve;
        thread.once('exit', () => resolve());
      });
      send({ type: 'stop' });
      const timeout = new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS).unref(),
      );
      if ((await Promise.race([done, timeout])) === 'timeout')
        logger.warn(`${label} did not stop in time; terminating it`);
      await thread.terminate();
    },
  };
}
