import { once } from 'node:events';
import WebSocket from 'ws';

export interface DashboardMessage {
  type: string;
  matchId?: string;
  [field: string]: unknown;
}

/** A dashboard WebSocket client on `/ws` (tests, the benchmark): records every message it receives. */
export class DashboardClient {
  readonly messages: DashboardMessage[] = [];
  private listener: ((message: DashboardMessage) => void) | null = null;

  private constructor(
    private readonly ws: WebSocket,
    private readonly keep: boolean,
  ) {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as DashboardMessage;
      if (this.keep) this.messages.push(message);
      this.listener?.(message);
    });
  }

  /** `keep: false` keeps no history (long benchmark runs): use {@link onMessage}. */
  static async connect(
    httpPort: number,
    options: { host?: string; keep?: boolean } = {},
  ): Promise<DashboardClient> {
    const ws = new WebSocket(`ws://${options.host ?? '127.0.0.1'}:${httpPort}/ws`);
    // Listen before the socket opens: the server's `hello` can arrive right with the upgrade.
    const client = new DashboardClient(ws, options.keep ?? true);
    await once(ws, 'open');
    return client;
  }

  onMessage(listener: (message: DashboardMessage) => void): void {
    this.listener = listener;
  }

  send(request: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(request));
  }

  async subscribe(request: { matchId: string } | { topic: string }): Promise<void> {
    const topic = 'matchId' in request ? request.matchId : request.topic;
    let confirmed = false;
    const previous = this.listener;
    this.listener = (message) => {
      if (message.type === 'subscribed' && message.topic === topic) confirmed = true;
      previous?.(message);
    };
    this.send({ action: 'subscribe', ...request });
    const deadline = Date.now() + 10_000;
    while (!confirmed) {
      if (Date.now() > deadline) throw new Error(`no subscription confirmed for ${topic}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    this.listener = previous;
  }

  async waitFor(
    predicate: (message: DashboardMessage) => boolean,
    timeoutMs = 30_000,
  ): Promise<DashboardMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error('dashboard message not received in time');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.ws.close();
  }
}
