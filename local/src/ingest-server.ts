import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FrameIngestor, IngestReply } from '@geqo/shared/app/ingest';
import type { ServerRegistry } from '@geqo/shared/app/servers';
import type { Logger, Metrics } from '@geqo/shared/ports';
import { type WebSocket, WebSocketServer } from 'ws';

export interface IngestServerDeps {
  ingestor: FrameIngestor;
  servers: ServerRegistry;
  logger: Logger;
  metrics: Metrics;
  maxFramesPerSecond: number;
}

/** The token from `Authorization: Bearer …`, else from the `token` query parameter. */
export function tokenFrom(request: IncomingMessage): string | null {
  const header = request.headers.authorization;
  if (header?.toLowerCase().startsWith('bearer ')) return header.slice(7).trim();
  const url = new URL(request.url ?? '/', 'http://localhost');
  return url.searchParams.get('token');
}

function refuse(socket: Duplex, status: 401 | 503, reason: string): void {
  const text = status === 401 ? 'Unauthorized' : 'Service Unavailable';
  const body = JSON.stringify({
    type: 'error',
    code: status === 401 ? 'UNAUTHORIZED' : 'UNAVAILABLE',
    message: reason,
  });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * The plugin WebSocket endpoint (DESIGN.md section 3). The token is checked at the upgrade: a
 * wrong or revoked one gets 401 and never a socket. Each message is one frame, binary or base64
 * text; each gets a JSON reply. A bad frame is answered with its error code and the socket stays
 * open. Replies go out in the order the frames came in.
 */
export class IngestServer {
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly inFlight = new Set<Promise<unknown>>();
  private accepting = true;

  constructor(private readonly deps: IngestServerDeps) {
    // Frames over the protocol's limit get FRAME_TOO_LARGE from the codec; only far larger
    // messages are cut by the socket itself.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024, perMessageDeflate: false });
    this.http = createServer((_request, response) => {
      response
        .writeHead(426, { 'Content-Type': 'text/plain' })
        .end('WebSocket only: connect with a server token\n');
    });
    this.http.on('upgrade', (request, socket, head) => {
      void this.upgrade(request, socket, head);
    });
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const { servers, logger, metrics } = this.deps;
    if (!this.accepting) return refuse(socket, 503, 'shutting down');
    let auth: Awaited<ReturnType<ServerRegistry['authenticate']>>;
    try {
      auth = await servers.authenticate(tokenFrom(request));
    } catch (error) {
      logger.error('authentication failed', { error: String(error) });
      return refuse(socket, 503, 'cannot check the token right now');
    }
    if (!auth.ok) {
      metrics.count('ingest_auth_refused', 1, { reason: auth.reason });
      logger.warn('plugin connection refused', { reason: auth.reason, remote: request.socket.remoteAddress });
      return refuse(socket, 401, 'invalid or revoked server token');
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.attach(ws, auth.serverId));
  }

  private attach(ws: WebSocket, serverId: string): void {
    const { ingestor, logger, metrics, maxFramesPerSecond } = this.deps;
    const log = logger.child({ serverId });
    log.info('plugin connected');
    metrics.count('ingest_connections');
    // Replies are chained so they leave in arrival order even though puts complete concurrently.
    let replies: Promise<void> = Promise.resolve();
    let windowStart = Date.now();
    let framesInWindow = 0;
    ws.on('message', (data, isBinary) => {
      const now = Date.now();
      if (now - windowStart >= 1_000) {
        windowStart = now;
        framesInWindow = 0;
      }
      framesInWindow += 1;
      const message: Uint8Array | string = isBinary ? toBytes(data) : toBytes(data).toString('utf8');
      const reply: Promise<IngestReply> =
        framesInWindow > maxFramesPerSecond
          ? Promise.resolve({
              type: 'error',
              code: 'RATE_LIMITED',
              message: `more than ${maxFramesPerSecond} frames/s on one connection; resend later`,
              retriable: true,
            })
          : ingestor.ingest(serverId, message);
      const sent = replies.then(async () => {
        const answer = await reply;
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(answer));
      });
      replies = sent.catch((error: unknown) => log.error('reply failed', { error: String(error) }));
      this.track(replies);
    });
    ws.on('close', (code) => log.info('plugin disconnected', { code }));
    ws.on('error', (error) => log.warn('plugin socket error', { error: error.message }));
  }

  private track(work: Promise<unknown>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => {
        const address = this.http.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  /** Stops accepting, answers every frame already received, then closes the sockets (1001). */
  async close(): Promise<void> {
    this.accepting = false;
    this.http.close();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    for (const client of this.wss.clients) client.close(1001, 'server shutting down');
    this.wss.close();
    this.http.closeAllConnections();
  }
}

function toBytes(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
