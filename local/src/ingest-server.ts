import { isUtf8 } from 'node:buffer';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FrameIngestor, IngestReply } from '@geqo/shared/app/ingest';
import { presentedToken, type ServerRegistry } from '@geqo/shared/app/servers';
import { DEFAULT_CODEC_LIMITS } from '@geqo/shared/domain/codec';
import type { Logger, Metrics } from '@geqo/shared/ports';
import { type WebSocket, WebSocketServer } from 'ws';

export interface IngestServerDeps {
  ingestor: FrameIngestor;
  servers: ServerRegistry;
  logger: Logger;
  metrics: Metrics;
  maxFramesPerSecond: number;
  /** How often the revoked flags of connected servers are read back (default 500 ms). */
  revocationCheckMs?: number;
}

/**
 * The protocol's frame limit, as base64 text (DESIGN.md section 3: "at most 32 KiB after
 * base64"; a binary frame counts as its base64 length). Checked here, before a message is
 * decoded; the bound is the codec's own (shared/domain/codec/codec-limits.ts).
 */
export const MAX_FRAME_BASE64_CHARS = DEFAULT_CODEC_LIMITS.maxFrameBase64Chars;

/**
 * Messages between the frame limit and this get a FRAME_TOO_LARGE reply and the socket stays open;
 * over it, `ws` stops reading and closes the socket with 1009 (it does not buffer them).
 */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** Close code and reason for the sockets of a server that was revoked while they were open. */
export const REVOKED_CLOSE_CODE = 1008;
export const REVOKED_CLOSE_REASON = 'server revoked';

interface PluginConnection {
  ws: WebSocket;
  /** Set once the server is known to be revoked: later frames are dropped, never acked. */
  revoked: boolean;
}

/** The token from `Authorization: Bearer …`, else from the `token` query parameter (as on AWS). */
export function tokenFrom(request: IncomingMessage): string | null {
  const url = new URL(request.url ?? '/', 'http://localhost');
  return presentedToken(request.headers.authorization, url.searchParams.get('token'));
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
  /** Open sockets by server id: what a revocation closes. */
  private readonly connections = new Map<string, Set<PluginConnection>>();
  private readonly revocationTimer: NodeJS.Timeout;
  private readonly stopHearingRevocations: () => void;
  private checkingRevocations = false;
  private revocationCheckFailing = false;
  private accepting = true;

  constructor(private readonly deps: IngestServerDeps) {
    // Frames over the protocol's limit get FRAME_TOO_LARGE here; only far larger messages are cut
    // by the socket itself. UTF-8 of text messages is checked here too (`ws` would close the
    // socket with 1007), so a bad text frame gets a BAD_ENCODING reply like any other bad frame.
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_MESSAGE_BYTES,
      perMessageDeflate: false,
      skipUTF8Validation: true,
    });
    this.http = createServer((_request, response) => {
      response
        .writeHead(426, { 'Content-Type': 'text/plain' })
        .end('WebSocket only: connect with a server token\n');
    });
    this.http.on('upgrade', (request, socket, head) => {
      this.upgrade(request, socket, head).catch((error: unknown) => {
        this.deps.logger.error('plugin upgrade failed', { error: String(error) });
        socket.destroy();
      });
    });
    // A revocation made in this process closes its sockets at once; one made by another process
    // sharing the database (another `geqo up`, `geqo server revoke`) is read back periodically.
    this.stopHearingRevocations = deps.servers.onRevoked((serverId) => this.closeRevoked(serverId));
    this.revocationTimer = setInterval(() => {
      void this.checkRevocations();
    }, deps.revocationCheckMs ?? 500);
    this.revocationTimer.unref();
  }

  /** Closes the sockets of connected servers revoked elsewhere; one indexed query per check. */
  private async checkRevocations(): Promise<void> {
    if (this.checkingRevocations || this.connections.size === 0) return;
    this.checkingRevocations = true;
    try {
      const revoked = await this.deps.servers.revokedAmong([...this.connections.keys()]);
      for (const serverId of revoked) this.closeRevoked(serverId);
      if (this.revocationCheckFailing) this.deps.logger.info('revoked servers can be checked again');
      this.revocationCheckFailing = false;
    } catch (error) {
      // Said once per outage, not twice a second.
      if (!this.revocationCheckFailing)
        this.deps.logger.warn('could not check for revoked servers', { error: String(error) });
      this.revocationCheckFailing = true;
    } finally {
      this.checkingRevocations = false;
    }
  }

  private closeRevoked(serverId: string): void {
    const open = this.connections.get(serverId);
    if (!open) return;
    this.connections.delete(serverId);
    for (const connection of open) {
      connection.revoked = true;
      connection.ws.close(REVOKED_CLOSE_CODE, REVOKED_CLOSE_REASON);
    }
    this.deps.metrics.count('ingest_revoked_disconnects', open.size);
    this.deps.logger.warn('server revoked: its plugin sockets are closed', { serverId, sockets: open.size });
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const { servers, logger, metrics } = this.deps;
    // Node takes its own error listener off an upgraded socket: a client that resets while the
    // token is checked must not become an uncaught 'error'.
    socket.on('error', () => socket.destroy());
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
    const connection: PluginConnection = { ws, revoked: false };
    const open = this.connections.get(serverId) ?? new Set<PluginConnection>();
    this.connections.set(serverId, open.add(connection));
    // Replies are chained so they leave in arrival order even though puts complete concurrently.
    let replies: Promise<void> = Promise.resolve();
    let windowStart = Date.now();
    let framesInWindow = 0;
    const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
      if (connection.revoked) {
        metrics.count('ingest_frames_refused', 1, { reason: 'revoked' });
        return;
      }
      const now = Date.now();
      if (now - windowStart >= 1_000) {
        windowStart = now;
        framesInWindow = 0;
      }
      framesInWindow += 1;
      const screened = screenMessage(toBytes(data), isBinary);
      const reply: Promise<IngestReply> =
        framesInWindow > maxFramesPerSecond
          ? Promise.resolve({
              type: 'error',
              code: 'RATE_LIMITED',
              message: `more than ${maxFramesPerSecond} frames/s on one connection; resend later`,
              retriable: true,
            })
          : 'refused' in screened
            ? Promise.resolve(screened.refused)
            : ingestor.ingest(serverId, screened.message);
      const sent = replies.then(async () => {
        const answer = await reply;
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(answer));
      });
      replies = sent.catch((error: unknown) => log.error('reply failed', { error: String(error) }));
      this.track(replies);
    };
    ws.on('message', (data, isBinary) => {
      try {
        onMessage(data, isBinary);
      } catch (error) {
        log.error('plugin message failed', { error: String(error) });
      }
    });
    ws.on('close', (code) => {
      open.delete(connection);
      if (open.size === 0 && this.connections.get(serverId) === open) this.connections.delete(serverId);
      log.info('plugin disconnected', { code });
    });
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
    clearInterval(this.revocationTimer);
    this.stopHearingRevocations();
    this.http.close();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    for (const client of this.wss.clients) client.close(1001, 'server shutting down');
    this.wss.close();
    this.http.closeAllConnections();
  }
}

/**
 * What the socket layer checks before a message is decoded: its size against the protocol's limit
 * (text and binary alike, as base64 length) and, for text, that it is UTF-8.
 */
function screenMessage(
  bytes: Buffer,
  isBinary: boolean,
): { message: Uint8Array | string } | { refused: IngestReply } {
  const base64Chars = isBinary ? Math.ceil(bytes.length / 3) * 4 : bytes.length;
  if (base64Chars > MAX_FRAME_BASE64_CHARS) {
    return {
      refused: {
        type: 'error',
        code: 'FRAME_TOO_LARGE',
        message: `frame is ${base64Chars} chars as base64, over the limit of ${MAX_FRAME_BASE64_CHARS}`,
      },
    };
  }
  if (isBinary) return { message: bytes };
  if (!isUtf8(bytes)) {
    return { refused: { type: 'error', code: 'BAD_ENCODING', message: 'text frame is not valid UTF-8' } };
  }
  return { message: bytes.toString('utf8') };
}

function toBytes(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
