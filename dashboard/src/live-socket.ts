/**
 * The dashboard socket (`/ws`), kept open: it reconnects with backoff when it drops, and
 * subscribes again to every topic the page follows. It reports its state for the status pill,
 * and says when it came back, since messages sent while it was away are lost: the page then
 * reloads what it shows over REST.
 */
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';
import type { SocketMessage } from './wire.ts';

export type ConnectionState =
  | { status: 'connecting'; failures: number }
  | { status: 'open' }
  /** Closed; the next attempt is at `retryAt` (epoch ms). `failures`: closes since the last open. */
  | { status: 'waiting'; failures: number; retryAt: number };

/** A topic: a match id, or the match list (`{ topic: 'matches' }`). */
export type Topic = { matchId: string } | { topic: 'matches' };

export interface LiveSocketHandlers {
  message(message: SocketMessage): void;
  state(state: ConnectionState): void;
  /** Open again after a drop: reload what may have been missed. */
  reconnected(): void;
}

function topicKey(topic: Topic): string {
  return 'matchId' in topic ? `match:${topic.matchId}` : `topic:${topic.topic}`;
}

/**
 * How often an open socket says it is still there. API Gateway closes a WebSocket connection that
 * carries no message for 10 minutes; a dashboard mostly listens.
 */
export const KEEPALIVE_MS = 5 * 60_000;

export class LiveSocket {
  private socket: WebSocket | null = null;
  private keepalive: ReturnType<typeof setInterval> | null = null;
  private readonly topics = new Map<string, Topic>();
  /** Closes since the socket was last open: the backoff's attempt number. */
  private failures = 0;
  private everOpened = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly handlers: LiveSocketHandlers,
    private readonly backoff: BackoffOptions = DEFAULT_BACKOFF,
    private readonly keepaliveMs = KEEPALIVE_MS,
  ) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.stopKeepalive();
    this.socket?.close(1000, 'page closed');
    this.socket = null;
  }

  subscribe(topic: Topic): void {
    const key = topicKey(topic);
    if (this.topics.has(key)) return;
    this.topics.set(key, topic);
    this.send({ action: 'subscribe', ...topic });
  }

  unsubscribe(topic: Topic): void {
    if (!this.topics.delete(topicKey(topic))) return;
    this.send({ action: 'unsubscribe', ...topic });
  }

  private stopKeepalive(): void {
    if (this.keepalive) clearInterval(this.keepalive);
    this.keepalive = null;
  }

  private send(request: Record<string, string>): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(request));
  }

  private connect(): void {
    this.handlers.state({ status: 'connecting', failures: this.failures });
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.failures = 0;
      this.handlers.state({ status: 'open' });
      for (const topic of this.topics.values()) this.send({ action: 'subscribe', ...topic });
      this.stopKeepalive();
      this.keepalive = setInterval(() => this.send({ action: 'ping' }), this.keepaliveMs);
      if (this.everOpened) this.handlers.reconnected();
      this.everOpened = true;
    });
    socket.addEventListener('message', (event) => {
      if (typeof event.data !== 'string') return;
      let message: SocketMessage;
      try {
        message = JSON.parse(event.data) as SocketMessage;
      } catch {
        return;
      }
      this.handlers.message(message);
    });
    // `error` is always followed by `close`: reconnecting from `close` alone covers both.
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.stopKeepalive();
      if (this.stopped) return;
      this.failures += 1;
      const delay = backoffDelay(this.failures, this.backoff);
      this.handlers.state({ status: 'waiting', failures: this.failures, retryAt: Date.now() + delay });
      this.retryTimer = setTimeout(() => this.connect(), delay);
    });
  }
}
