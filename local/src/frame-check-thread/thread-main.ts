/**
 * The frame-check thread of `geqo up`: decodes and validates plugin frames for ingest, so the
 * main thread, which acknowledges them, neither spends its time on it nor collects the garbage
 * of a hundred decoded events per frame (young-generation pauses held every ack behind them).
 *
 * A frame that passes also goes, as a digest (`digestFrame`, see `../predecoded-frames.ts`), straight
 * to the worker thread: the worker then neither decodes it a second time nor writes its events'
 * stored form.
 */
import { type MessagePort, parentPort } from 'node:worker_threads';
import { checkFrame } from '@geqo/shared/app/ingest';
import type { Frame } from '@geqo/shared/domain/codec';
import { digestFrame } from '../predecoded-frames.ts';
import type { CheckResponse, FrameDigestMessage, ToCheckThread } from './protocol.ts';

const port = parentPort;
if (port === null) throw new Error('thread-main.ts runs as a worker thread');
let digests: MessagePort | null = null;

function sendDigest(message: Uint8Array | string, frame: Frame): void {
  if (digests === null) return;
  // The bytes the stream will hold: ingest decodes base64 text the same way.
  const bytes = typeof message === 'string' ? new Uint8Array(Buffer.from(message, 'base64')) : message;
  const digest = digestFrame(frame);
  const out: FrameDigestMessage = { partitionKey: frame.server, bytes, digest };
  const transfer: ArrayBuffer[] = [digest.buffer as ArrayBuffer];
  // The request's copy is this thread's own (a whole buffer): it moves on without a copy.
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength)
    transfer.push(bytes.buffer as ArrayBuffer);
  digests.postMessage(out, transfer);
}

port.on('message', (request: ToCheckThread) => {
  if (request.type === 'digests') {
    digests?.close();
    digests = request.port;
    return;
  }
  const { id, message, limits } = request;
  const checked = checkFrame(message, limits);
  const response: CheckResponse = {
    id,
    check: checked.ok
      ? { ok: true, server: checked.server, seq: checked.seq, events: checked.events }
      : checked,
  };
  port.postMessage(response);
  // After the answer: the ack does not wait for the digest.
  if (checked.ok && checked.frame) {
    try {
      sendDigest(message, checked.frame);
    } catch {
      // Only an optimization: the worker decodes the frame itself.
    }
  }
});
