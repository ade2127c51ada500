/**
 * The frame-check thread of `geqo up`: decodes and validates plugin frames for ingest, so the
 * main thread, which acknowledges them, neither spends its time on it nor collects the garbage
 * of a hundred decoded events per frame (young-generation pauses held every ack behind them).
 */
import { parentPort } from 'node:worker_threads';
import { checkFrame } from '@geqo/shared/app/ingest';
import type { CheckRequest, CheckResponse } from './protocol.ts';

const port = parentPort;
if (port === null) throw new Error('thread-main.ts runs as a worker thread');

port.on('message', ({ id, message, limits }: CheckRequest) => {
  const checked = checkFrame(message, limits);
  const response: CheckResponse = {
    id,
    check: checked.ok
      ? { ok: true, server: checked.server, seq: checked.seq, events: checked.events }
      : checked,
  };
  port.postMessage(response);
});
