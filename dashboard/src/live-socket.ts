/**
 * The dashboard socket (`/ws`), kept open: it reconnects with backoff when it drops, and
 * subscribes again to every topic the page follows. It reports its state for the status pill,
 * and says when it came back, since messages sent while it was away are lost: the page then
 * reloads what it shows over REST. A subscription the server refuses for now (`RATE_LIMITED`: the
 * address's budget of match lookups is spent) is asked again after a backoff, for as long as the
 * page follows the match.
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

/** Waits before a refused subscription is asked again: the server says to try again in a second. */
export const RESUBSCRIBE_BACKOFF: BackoffOptions = { minMs: 1_000, maxMs: 30_000 };

export class LiveSocket {
  private socket: WebSocket | null = null;
  private keepalive: ReturnType<typeof setInterval> | null = null;
  private readonly topics = new Map<string, Topic>();
  /** Closes since the socket was last open: the backoff's attempt number. */
  private failures = 0;
  private everOpened = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  /** Refused subscriptions waiting to be asked again, by topic key. */
  private readonly resubscribeTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** How often each topic was refused since it was last answered `subscribed` (the backoff's attempt). */
  private readonly refusals = new Map<string, number>();

  constructor(
    private readonly url: string,
    private readonly handlers: LiveSocketHandlers,
    private readonly backoff: BackoffOptions = DEFAULT_BACKOFF,
    private readonly keepaliveMs = KEEPALIVE_MS,
    private readonly resubscribeBackoff: BackoffOptions = RESUBSCRIBE_BACKOFF,
  ) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.stopKeepalive();
    this.cancelResubscribes();
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
    const key = topicKey(topic);
    if (!this.topics.delete(key)) return;
    this.cancelResubscribe(key);
    this.send({ action: 'unsubscribe', ...topic });
  }

  /** A subscription refused for now: asked again after a backoff that grows with each refusal. */
  private refused(matchId: string): void {
    const key = topicKey({ matchId });
    const topic = this.topics.get(key);
    if (topic === undefined) return;
    const refusals = (this.refusals.get(key) ?? 0) + 1;
    this.refusals.set(key, refusals);
    clearTimeout(this.resubscribeTimers.get(key));
    const timer = setTimeout(
      () => {
        this.resubscribeTimers.delete(key);
        if (this.topics.get(key) === topic) this.send({ action: 'subscribe', ...topic });
      },
      backoffDelay(refusals, this.resubscribeBackoff),
    );
    this.resubscribeTimers.set(key, timer);
  }

  private cancelResubscribe(key: string): void {
    clearTimeout(this.resubscribeTimers.get(key));
    this.resubscribeTimers.delete(key);
    this.refusals.delete(key);
  }

  private cancelResubscribes(): void {
    for (const timer of this.resubscribeTimers.values()) clearTimeout(timer);
    this.resubscribeTimers.clear();
    this.refusals.clear();
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
      if (message.type === 'subscribed') this.refusals.delete(topicKey({ matchId: message.topic }));
      if (message.type === 'error' && message.code === 'RATE_LIMITED' && typeof message.topic === 'string')
        this.refused(message.topic);
      this.handlers.message(message);
    });
    // `error` is always followed by `close`: reconnecting from `close` alone covers both.
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.stopKeepalive();
      // Opening again subscribes to every topic anyway.
      this.cancelResubscribes();
      if (this.stopped) return;
      this.failures += 1;
      const delay = backoffDelay(this.failures, this.backoff);
      this.handlers.state({ status: 'waiting', failures: this.failures, retryAt: Date.now() + delay });
      this.retryTimer = setTimeout(() => this.connect(), delay);
    });
  }
}
