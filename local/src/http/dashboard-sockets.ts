import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { handleDashboardMessage } from '@geqo/shared/app/broadcast';
import type { ConnectionRegistry, ConnectionSender, Logger, Metrics, SendOutcome } from '@geqo/shared/ports';
import { type WebSocket, WebSocketServer } from 'ws';

/**
 * Dashboard WebSocket connections on `/ws` of the HTTP port. Each connection gets an id, like an
 * API Gateway connection id; it is also the sender the broadcaster posts through, and it backs
 * the `POST /@connections/{id}` emulation of the API Gateway Management API.
 */
export class DashboardSockets implements ConnectionSender {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    perMessageDeflate: false,
  });
  private readonly sockets = new Map<string, WebSocket>();

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(request, socket, head, (ws) => this.attach(ws));
  }

  private attach(ws: WebSocket): void {
    const connectionId = randomUUID();
    this.sockets.set(connectionId, ws);
    this.metrics.count('dashboard_connections');
    ws.send(JSON.stringify({ type: 'hello', connectionId }));
    ws.on('message', (data) => {
      const text = Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
      handleDashboardMessage(this.registry, connectionId, text)
        .then((reply) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
        })
        .catch((error: unknown) =>
          this.logger.error('dashboard message failed', { connectionId, error: String(error) }),
        );
    });
    ws.on('close', () => {
      this.sockets.delete(connectionId);
      void this.registry.remove(connectionId);
    });
    ws.on('error', () => ws.terminate());
  }

  async send(connectionId: string, message: Uint8Array | string): Promise<SendOutcome> {
    const ws = this.sockets.get(connectionId);
    if (!ws || ws.readyState !== ws.OPEN) return 'gone';
    // A dashboard that cannot keep up (over 8 MiB buffered) is dropped rather than let memory grow.
    if (ws.bufferedAmount > 8 * 1024 * 1024) {
      this.logger.warn('dashboard too slow, closing', { connectionId });
      ws.close(1013, 'too slow');
      return 'gone';
    }
    // Messages are JSON: bytes go out as a text frame, without decoding and re-encoding.
    ws.send(message, { binary: false });
    return 'sent';
  }

  has(connectionId: string): boolean {
    return this.sockets.has(connectionId);
  }

  close(): void {
    for (const ws of this.sockets.values()) ws.close(1001, 'server shutting down');
    this.wss.close();
  }
}
