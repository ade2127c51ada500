import { once } from 'node:events';
import WebSocket from 'ws';

export interface DashboardMessage {
  type: string;
  matchId?: string;
  [field: string]: unknown;
}

/** A real dashboard WebSocket client on `/ws`, recording every message. */
export class DashboardClient {
  readonly messages: DashboardMessage[] = [];
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => this.messages.push(JSON.parse(String(data)) as DashboardMessage));
  }

  static async connect(httpPort: number): Promise<DashboardClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${httpPort}/ws`);
    await once(ws, 'open');
    return new DashboardClient(ws);
  }

  async subscribe(request: { matchId: string } | { topic: string }): Promise<void> {
    const topic = 'matchId' in request ? request.matchId : request.topic;
    this.ws.send(JSON.stringify({ action: 'subscribe', ...request }));
    await this.waitFor((m) => m.type === 'subscribed' && m.topic === topic);
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
