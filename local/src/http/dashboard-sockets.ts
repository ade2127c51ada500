import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { DashboardSession, MATCHES_TOPIC } from '@geqo/shared/app/broadcast';
import { presentedToken } from '@geqo/shared/app/servers';
import type { ConnectionRegistry, ConnectionSender, Logger, Metrics, SendOutcome } from '@geqo/shared/ports';
import { type WebSocket, WebSocketServer } from 'ws';

export interface DashboardSocketOptions {
  /** Whether a match id names a stored match; subscriptions to others get UNKNOWN_MATCH. */
  matchExists?: (matchId: string) => Promise<boolean>;
  /** Topics one connection may follow (default 64); past it, TOO_MANY_SUBSCRIPTIONS. */
  maxSubscriptions?: number;
  /** Open `/ws` connections from one remote address (default 32); past it the upgrade gets 429. */
  maxConnectionsPerAddress?: number;
  /**
   * Subscriptions to unknown match ids per second for one remote address (default 32); past it a
   * subscription to a match gets RATE_LIMITED without a query. Each lookup is a database query: a
   * reconnecting client subscribing to made-up ids would otherwise keep the database busy for
   * everyone.
   */
  unknownLookupsPerSecondPerAddress?: number;
  /**
   * Origins (`scheme://host[:port]`, or `*`) a browser page may connect from, besides the page's
   * own host (the request's `Host`). A request without `Origin` (not a browser) is let through.
   */
  allowedOrigins?: readonly string[];
  /** When set, the upgrade needs it as `?token=` or `Authorization: Bearer` (else 401). */
  readToken?: string | null;
}

/** Match ids remembered as stored (announced or found), the oldest forgotten first. */
const MAX_KNOWN_MATCHES = 10_000;

const decoder = new TextDecoder();

export const DEFAULT_MAX_SUBSCRIPTIONS = 64;
export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 32;
export const DEFAULT_UNKNOWN_LOOKUPS_PER_SECOND_PER_ADDRESS = 32;

/**
 * Messages one connection may have waiting for their reply; more are answered RATE_LIMITED at
 * once. A connection's messages are handled one at a time, so a flood never holds more than this
 * (nor more than one database query) per connection.
 */
const MAX_PENDING_MESSAGES = 64;

/**
 * Messages over this are cut by `ws` (close 1009); those between the protocol's 4 KiB and this get
 * MESSAGE_TOO_LARGE and the connection stays.
 */
const MAX_PAYLOAD_BYTES = 64 * 1024;

type Refusal = { status: 401 | 403 | 429; code: string; message: string };

const STATUS_TEXT = { 401: 'Unauthorized', 403: 'Forbidden', 429: 'Too Many Requests' } as const;

function refuse(socket: Duplex, { status, code, message }: Refusal): void {
  const body = JSON.stringify({ type: 'error', code, message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether a browser page at `Origin` may open the socket: its own host, a listed origin, or no browser. */
function originAllowed(request: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (allowed.includes('*')) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // `null` (a sandboxed or file page) and anything else unreadable
  }
  if (parsed.host === (request.headers.host ?? '').toLowerCase()) return true;
  return allowed.includes(parsed.origin);
}

function tokenOf(request: IncomingMessage): string | null {
  const query = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token');
  return presentedToken(request.headers.authorization, query);
}

/**
 * Dashboard WebSocket connections on `/ws` of the HTTP port. Each connection gets an id, like an
 * API Gateway connection id; it is also the sender the broadcaster posts through, and it backs
 * the `POST /@connections/{id}` emulation of the API Gateway Management API.
 *
 * What a client can make it hold is bounded: connections per remote address, topics per
 * connection, message size, and messages waiting per connection. A cross-site page (an `Origin`
 * not allowed) and, with a read token set, a caller without it never get a socket.
 */
export class DashboardSockets implements ConnectionSender {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_PAYLOAD_BYTES,
    perMessageDeflate: false,
  });
  private readonly sockets = new Map<string, WebSocket>();
  private readonly connectionsByAddress = new Map<string, number>();
  /** Unknown match ids looked up per remote address in the current one-second window. */
  private readonly lookupsByAddress = new Map<string, { second: number; count: number }>();
  /** Match ids known to be stored: a subscription to one needs no lookup (see {@link noteMatch}). */
  private readonly knownMatches = new Set<string>();
  private readonly maxSubscriptions: number;
  private readonly maxConnectionsPerAddress: number;
  private readonly readTokenDigest: Buffer | null;

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly options: DashboardSocketOptions = {},
  ) {
    this.maxSubscriptions = options.maxSubscriptions ?? DEFAULT_MAX_SUBSCRIPTIONS;
    this.maxConnectionsPerAddress = options.maxConnectionsPerAddress ?? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
    this.readTokenDigest = options.readToken ? digest(options.readToken) : null;
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Node takes its own error listener off an upgraded socket: a reset must not become uncaught.
    socket.on('error', () => socket.destroy());
    try {
      const address = request.socket.remoteAddress ?? 'unknown';
      const refusal = this.refusal(request, address);
      if (refusal) {
        this.metrics.count('dashboard_refused', 1, { code: refusal.code });
        this.logger.warn('dashboard connection refused', {
          code: refusal.code,
          remote: address,
          origin: request.headers.origin,
        });
        refuse(socket, refusal);
        return;
      }
      this.wss.handleUpgrade(request, socket, head, (ws) => this.attach(ws, address));
    } catch (error) {
      this.logger.error('dashboard upgrade failed', { error: String(error) });
      socket.destroy();
    }
  }

  private refusal(request: IncomingMessage, address: string): Refusal | null {
    if (!originAllowed(request, this.options.allowedOrigins ?? [])) {
      return {
        status: 403,
        code: 'FORBIDDEN_ORIGIN',
        message: 'this origin may not open the dashboard socket',
      };
    }
    if (this.readTokenDigest) {
      const token = tokenOf(request);
      if (token === null || !timingSafeEqual(digest(token), this.readTokenDigest)) {
        return { status: 401, code: 'UNAUTHORIZED', message: 'the dashboard socket needs the read token' };
      }
    }
    if ((this.connectionsByAddress.get(address) ?? 0) >= this.maxConnectionsPerAddress) {
      return {
        status: 429,
        code: 'TOO_MANY_CONNECTIONS',
        message: `at most ${this.maxConnectionsPerAddress} dashboard connections per address`,
      };
    }
    return null;
  }

  private attach(ws: WebSocket, address: string): void {
    const connectionId = randomUUID();
    this.sockets.set(connectionId, ws);
    this.connectionsByAddress.set(address, (this.connectionsByAddress.get(address) ?? 0) + 1);
    this.metrics.count('dashboard_connections');
    const matchExists = this.options.matchExists;
    const session = new DashboardSession(this.registry, connectionId, {
      maxSubscriptions: this.maxSubscriptions,
      ...(matchExists
        ? {
            matchExists: async (matchId: string) => {
              const exists = await matchExists(matchId);
              if (exists) this.noteMatch(matchId);
              return exists;
            },
            knownMatch: (matchId: string) => this.knownMatches.has(matchId),
          }
        : {}),
      unknownLookups: {
        available: () => this.lookupsAvailable(address),
        spend: () => this.spendLookup(address),
      },
    });
    const reply = (message: object) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    // One message at a time: replies keep their order, and a flood waits instead of piling up queries.
    let pending = 0;
    let handled: Promise<void> = Promise.resolve();
    const onMessage = (data: WebSocket.RawData) => {
      if (pending >= MAX_PENDING_MESSAGES) {
        this.metrics.count('dashboard_messages_refused', 1, { code: 'RATE_LIMITED' });
        reply({
          type: 'error',
          code: 'RATE_LIMITED',
          message: 'too many messages waiting; send more slowly',
        });
        return;
      }
      pending += 1;
      const text = toText(data);
      handled = handled
        .then(() => session.handle(text))
        .then(reply)
        .catch((error: unknown) => {
          this.logger.error('dashboard message failed', { connectionId, error: String(error) });
          reply({ type: 'error', code: 'UNAVAILABLE', message: 'could not handle this message; try again' });
        })
        .finally(() => {
          pending -= 1;
        });
    };
    ws.on('message', (data) => {
      try {
        onMessage(data);
      } catch (error) {
        this.logger.error('dashboard message failed', { connectionId, error: String(error) });
      }
    });
    ws.on('close', () => {
      this.sockets.delete(connectionId);
      const left = (this.connectionsByAddress.get(address) ?? 1) - 1;
      if (left > 0) this.connectionsByAddress.set(address, left);
      else this.connectionsByAddress.delete(address);
      // After the messages in hand, so a subscription finishing late is forgotten too.
      void handled
        .then(() => session.close())
        .catch((error: unknown) =>
          this.logger.error('could not forget a dashboard connection', {
            connectionId,
            error: String(error),
          }),
        );
    });
    ws.on('error', () => ws.terminate());
    reply({ type: 'hello', connectionId });
  }

  private lookupWindow(address: string): { second: number; count: number } {
    const second = Math.floor(Date.now() / 1000);
    let window = this.lookupsByAddress.get(address);
    if (window === undefined || window.second !== second) {
      // Kept past the address's last connection (a client reconnecting gets no fresh budget);
      // windows of past seconds are forgotten once many addresses have one.
      if (this.lookupsByAddress.size >= 4_096)
        for (const [other, { second: then }] of this.lookupsByAddress)
          if (then !== second) this.lookupsByAddress.delete(other);
      window = { second, count: 0 };
      this.lookupsByAddress.set(address, window);
    }
    return window;
  }

  private lookupsAvailable(address: string): boolean {
    const limit =
      this.options.unknownLookupsPerSecondPerAddress ?? DEFAULT_UNKNOWN_LOOKUPS_PER_SECOND_PER_ADDRESS;
    if (this.lookupWindow(address).count < limit) return true;
    this.metrics.count('dashboard_messages_refused', 1, { code: 'RATE_LIMITED' });
    return false;
  }

  private spendLookup(address: string): void {
    this.lookupWindow(address).count += 1;
  }

  /**
   * Remembers that a match is stored (the worker announced it on the `matches` topic, or a lookup
   * found it): subscriptions to it then skip the lookup and the address's budget for unknown ids.
   */
  noteMatch(matchId: string): void {
    if (this.knownMatches.has(matchId)) return;
    if (this.knownMatches.size >= MAX_KNOWN_MATCHES) {
      const oldest = this.knownMatches.values().next().value;
      if (oldest !== undefined) this.knownMatches.delete(oldest);
    }
    this.knownMatches.add(matchId);
  }

  /** Notes the matches announced on the `matches` topic in processed records (all stored by then). */
  noteAnnouncedMatches(records: readonly { partitionKey: string; data: Uint8Array | string }[]): void {
    for (const { partitionKey, data } of records) {
      if (partitionKey !== MATCHES_TOPIC) continue;
      try {
        const { matchId } = JSON.parse(typeof data === 'string' ? data : decoder.decode(data)) as {
          matchId?: unknown;
        };
        if (typeof matchId === 'string') this.noteMatch(matchId);
      } catch {
        // not a message of ours: nothing to note
      }
    }
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

function toText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
