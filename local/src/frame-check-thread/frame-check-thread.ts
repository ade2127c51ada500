/**
 * The main thread's side of the frame-check thread: hands each frame over and resolves with
 * the check. A thread that dies fails the checks in flight (ingest then checks those frames
 * itself) and is started again for the next ones.
 *
 * Speed machinery for `geqo up`'s acks: decoding off the main thread took its young-generation
 * pauses away from every ack (commit b685e64: sustained frame-to-ack p99 about 18 ms, was
 * 20-65 ms). It runs with the worker thread; `GEQO_WORKER_THREAD=off` turns both off, and then
 * ingest checks each frame in place.
 */
import { type MessagePort, Worker } from 'node:worker_threads';
import type { FrameCheck, FrameChecker } from '@geqo/shared/app/ingest';
import type { CodecLimits } from '@geqo/shared/domain/codec';
import type { Logger } from '@geqo/shared/ports';
import type { CheckResponse, ToCheckThread } from './protocol.ts';

const ENTRY = new URL('./entry.mjs', import.meta.url);

export interface FrameCheckThread {
  check: FrameChecker;
  /**
   * Sends the digests of the frames that pass to `port` from now on (`null`: nowhere). `connect`
   * is called again with a new port whenever the thread restarts.
   */
  sendDigestsTo(connect: (() => MessagePort) | null): void;
  close(): Promise<void>;
}

export function startFrameCheckThread(logger: Logger): FrameCheckThread {
  const pending = new Map<number, { resolve: (check: FrameCheck) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let closed = false;
  let worker: Worker;
  let digests: (() => MessagePort) | null = null;
  const connectDigests = () => {
    const port = digests?.() ?? null;
    const message: ToCheckThread = { type: 'digests', port };
    worker.postMessage(message, port ? [port] : []);
  };

  const spawn = () => {
    worker = new Worker(ENTRY, { name: 'geqo-frame-check' });
    if (digests) connectDigests();
    worker.on('message', ({ id, check }: CheckResponse) => {
      const waiting = pending.get(id);
      pending.delete(id);
      waiting?.resolve(check);
    });
    worker.on('error', (error) => logger.error('frame-check thread failed', { error: String(error) }));
    worker.on('exit', (code) => {
      for (const waiting of pending.values())
        waiting.reject(new Error(`frame-check thread exited (${code})`));
      pending.clear();
      if (closed) return;
      logger.error('frame-check thread exited; restarting it', { code });
      spawn();
    });
    // The process may exit while it is idle.
    worker.unref();
  };
  spawn();

  return {
    check: (message: Uint8Array | string, limits: CodecLimits) =>
      new Promise<FrameCheck>((resolve, reject) => {
        if (closed) {
          reject(new Error('frame-check thread closed'));
          return;
        }
        const id = nextId++;
        pending.set(id, { resolve, reject });
        // A copy of its own: the message can be a view into a larger buffer (cloned whole), and
        // ingest still needs the original bytes for the stream.
        const request: ToCheckThread = {
          type: 'check',
          id,
          message: typeof message === 'string' ? message : new Uint8Array(message),
          limits,
        };
        worker.postMessage(
          request,
          typeof request.message === 'string' ? [] : [request.message.buffer as ArrayBuffer],
        );
      }),
    sendDigestsTo: (connect) => {
      digests = connect;
      connectDigests();
    },
    close: async () => {
      closed = true;
      await worker.terminate();
    },
  };
}
