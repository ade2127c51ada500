import { EventEmitter } from 'node:events';
import { encodeFrame, type Frame } from '@geqo/shared/domain/codec';
import WebSocket from 'ws';
import type { PlannedFrame } from './frame-batcher.ts';

export interface PluginClientOptions {
  url: string;
  token: string;
  /** Unacked frames allowed in flight. */
  window: number;
  /** Send base64 text instead of binary (what API Gateway needs). */
  base64: boolean;
  /** Pacing: 'max', or a multiple of real time (1 = as the match happened). */
  speed: number | 'max';
  /** Reconnect backoff bounds. */
  minBackoffMs: number;
  maxBackoffMs: number;
  /** Give up after this many reconnects in a row without an ack. */
  maxReconnects: number;
  /** Idle time after which an empty keep-alive frame is sent. */
  keepAliveMs: number;
}

export const DEFAULT_PLUGIN_CLIENT: Omit<PluginClientOptions, 'url' | 'token'> = {
  window: 64,
  base64: false,
  speed: 'max',
  minBackoffMs: 100,
  maxBackoffMs: 5_000,
  maxReconnects: 50,
  keepAliveMs: 60_000,
};

export interface ClientStats {
  sentFrames: number;
  resentFrames: number;
  ackedFrames: number;
  ackedEvents: number;
  rejectedFrames: number;
  reconnects: number;
  /** Milliseconds from the (last) send of a frame to its ack. */
  ackLatencies: number[];
}

export interface Rejection {
  seq: number | undefined;
  code: string;
  message: string;
}

interface InFlight {
  seq: number;
  bytes: Uint8Array;
  events: number;
  sentAt: number;
}

type Reply =
  | { type: 'ack'; seq: number }
  | { type: 'error'; code: string; message: string; seq?: number; retriable?: boolean };

/**
 * Behaves as a game-server plugin must (DESIGN.md section 3): sends numbered frames, keeps every
 * unacked frame, waits for acks within a bounded window, reconnects with exponential backoff and
 * jitter, and resends unacked frames in order. Retriable errors (`UNAVAILABLE`, `RATE_LIMITED`)
 * are resent later; other rejections are final and reported.
 *
 * A server that refuses binary frames (closes with 1003, as API Gateway does) is answered by
 * switching to base64 text for the rest of the run.
 *
 * Events: `sent` (seq, at), `ack` (seq, events, latencyMs), `rejected` (Rejection), `connected`,
 * `disconnected`, `text-mode` (binary refused; base64 from now on).
 */
export class PluginClient extends EventEmitter {
  readonly stats: ClientStats = {
    sentFrames: 0,
    resentFrames: 0,
    ackedFrames: 0,
    ackedEvents: 0,
    rejectedFrames: 0,
    reconnects: 0,
    ackLatencies: [],
  };
  readonly rejections: Rejection[] = [];
  private readonly options: PluginClientOptions;
  private readonly unacked = new Map<number, InFlight>();
  private ws: WebSocket | null = null;
  private next = 0;
  private nextSeq: number;
  private lastSendAt = 0;
  /** Seqs sent on the current socket whose reply has not come yet, in sending order. */
  private awaitingReply: number[] = [];
  private stopped = false;
  private failuresInRow = 0;
  private wakeSender: (() => void) | null = null;

  constructor(
    private readonly frames: readonly PlannedFrame[],
    options: Partial<PluginClientOptions> & Pick<PluginClientOptions, 'url' | 'token'>,
  ) {
    super();
    this.options = { ...DEFAULT_PLUGIN_CLIENT, ...options };
    this.nextSeq = frames[0]?.frame.seq ?? 1;
  }

  /** Sends every frame and resolves once each is acked or finally rejected. */
  async run(): Promise<ClientStats> {
    const started = Date.now();
    const firstTs = this.frames[0]?.sourceTs ?? 0;
    await this.connect();
    while (!this.stopped && (this.next < this.frames.length || this.unacked.size > 0)) {
      const socket = this.ws;
      if (!socket || socket.readyState !== WebSocket.OPEN) {
        await this.reconnect();
        continue;
      }
      const planned = this.frames[this.next];
      if (planned && this.unacked.size < this.options.window) {
        const { speed, keepAliveMs } = this.options;
        if (speed !== 'max') {
          const dueAt = started + (planned.sourceTs - firstTs) / speed;
          const now = Date.now();
          if (dueAt > now) {
            if (now - this.lastSendAt >= keepAliveMs) this.send(socket, this.keepAlive());
            else await this.sleep(Math.min(dueAt - now, keepAliveMs - (now - this.lastSendAt)));
            continue;
          }
        }
        this.next += 1;
        this.send(socket, this.numbered(planned));
        continue;
      }
      await this.sleep(this.options.keepAliveMs);
    }
    this.close();
    return this.stats;
  }

  /** The planned frame under the next `seq` (re-encoded only if keep-alives shifted the numbering). */
  private numbered(planned: PlannedFrame): InFlight {
    const seq = this.nextSeq++;
    const frame = planned.frame.seq === seq ? planned.frame : { ...planned.frame, seq };
    const bytes = planned.frame.seq === seq ? planned.bytes : encodeFrame(frame);
    return { seq, bytes, events: frame.events.length, sentAt: 0 };
  }

  private keepAlive(): InFlight {
    const first = this.frames[0]?.frame;
    const seq = this.nextSeq++;
    return {
      seq,
      bytes: keepAliveFrame(first?.server ?? '', first?.session ?? '', seq),
      events: 0,
      sentAt: 0,
    };
  }

  private send(socket: WebSocket, entry: InFlight): void {
    entry.sentAt = Date.now();
    this.lastSendAt = entry.sentAt;
    this.unacked.set(entry.seq, entry);
    this.transmit(socket, entry);
    this.stats.sentFrames += 1;
    this.emit('sent', { seq: entry.seq, at: entry.sentAt });
  }

  private transmit(socket: WebSocket, entry: InFlight): void {
    // The server answers every message, in the order received: this queue tells which frame a
    // reply without `seq` (RATE_LIMITED, or a frame too broken to read its seq) is about.
    this.awaitingReply.push(entry.seq);
    if (this.options.base64) socket.send(Buffer.from(entry.bytes).toString('base64'));
    else socket.send(entry.bytes, { binary: true });
  }

  private connect(): Promise<void> {
    return new Promise((resolve) => {
      const socket = new WebSocket(this.options.url, {
        headers: { Authorization: `Bearer ${this.options.token}` },
        perMessageDeflate: false,
      });
      let settled = false;
      const settle = () => {
        if (!settled) {
          settled = true;
          resolve();
        }
      };
      socket.on('open', () => {
        this.ws = socket;
        this.awaitingReply = [];
        this.emit('connected');
        // Resend, in order, everything the server has not acknowledged.
        const pending = [...this.unacked.values()].sort((a, b) => a.seq - b.seq);
        for (const entry of pending) {
          entry.sentAt = Date.now();
          this.transmit(socket, entry);
          this.stats.resentFrames += 1;
        }
        settle();
      });
      socket.on('message', (data) => {
        if (this.ws === socket) this.onReply(String(data));
      });
      socket.on('unexpected-response', (_request, response) => {
        const status = response.statusCode ?? 0;
        this.emit('refused', status);
        if (status === 401) {
          this.stopped = true;
          this.rejections.push({
            seq: undefined,
            code: 'UNAUTHORIZED',
            message: 'the server refused the token (401)',
          });
        }
        socket.terminate();
        settle();
      });
      socket.on('error', () => settle());
      socket.on('close', (code: number) => {
        // 1003: the server takes no binary frames (API Gateway): go on in base64 text, which
        // every Geqo server accepts; the unacked frames are resent that way after the reconnect.
        if (code === 1003 && !this.options.base64) {
          this.options.base64 = true;
          this.emit('text-mode');
        }
        if (this.ws === socket) {
          this.ws = null;
          this.emit('disconnected');
        }
        this.wake();
        settle();
      });
    });
  }

  private async reconnect(): Promise<void> {
    if (this.stopped) return;
    this.failuresInRow += 1;
    if (this.failuresInRow > this.options.maxReconnects) {
      this.stopped = true;
      throw new Error(`gave up after ${this.options.maxReconnects} reconnects without progress`);
    }
    const base = Math.min(
      this.options.maxBackoffMs,
      this.options.minBackoffMs * 2 ** (this.failuresInRow - 1),
    );
    await this.sleep(base / 2 + Math.random() * (base / 2));
    this.stats.reconnects += 1;
    await this.connect();
  }

  private onReply(text: string): void {
    let reply: Reply;
    try {
      reply = JSON.parse(text) as Reply;
    } catch {
      return;
    }
    const replyTo = this.awaitingReply.shift();
    if (reply.type === 'ack') {
      const entry = this.unacked.get(reply.seq);
      if (!entry) return;
      this.unacked.delete(reply.seq);
      this.failuresInRow = 0;
      const latencyMs = Date.now() - entry.sentAt;
      this.stats.ackedFrames += 1;
      this.stats.ackedEvents += entry.events;
      this.stats.ackLatencies.push(latencyMs);
      this.emit('ack', { seq: reply.seq, events: entry.events, latencyMs });
    } else if (reply.type === 'error') {
      const seq = reply.seq ?? replyTo;
      const entry = seq === undefined ? undefined : this.unacked.get(seq);
      if (reply.retriable) {
        // Try again a little later, on this socket if it is still up.
        setTimeout(
          () => {
            if (entry && this.unacked.has(entry.seq) && this.ws?.readyState === WebSocket.OPEN) {
              entry.sentAt = Date.now();
              this.transmit(this.ws, entry);
              this.stats.resentFrames += 1;
            }
          },
          200 + Math.random() * 300,
        );
        return;
      }
      if (seq !== undefined) this.unacked.delete(seq);
      this.stats.rejectedFrames += 1;
      const rejection = { seq, code: reply.code, message: reply.message };
      this.rejections.push(rejection);
      this.emit('rejected', rejection);
    }
    this.wake();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeSender = done;
    });
  }

  private wake(): void {
    const wake = this.wakeSender;
    this.wakeSender = null;
    wake?.();
  }

  close(): void {
    this.stopped = true;
    this.ws?.close(1000);
    this.wake();
  }
}

/** Builds the keep-alive frame: no events, but it takes a `seq` like any frame. */
export function keepAliveFrame(server: string, session: string, seq: number): Uint8Array {
  const frame: Frame = { v: 1, server, session, seq, sentAt: Date.now(), events: [] };
  return encodeFrame(frame);
}
