/**
 * A stand-in for an API Gateway WebSocket API (one stage) and its `@connections` Management API,
 * at least as strict as AWS (reference/aws-limits.md, "Amazon API Gateway quotas"):
 *
 * - a WebSocket frame over 32 KB closes the connection with 1009, and so does a message (frames
 *   reassembled) over 128 KB; "KB" is read as 1,000 bytes, the stricter reading;
 * - binary frames are refused: the connection is closed with 1003, as API Gateway does;
 * - a connection with no message from its client for 10 minutes is closed (1001), and every
 *   connection is closed after 2 hours (1001); both are options, so a test can shrink them;
 * - `$connect` runs the REQUEST authorizer first (a missing identity source or an `Unauthorized`
 *   error: 401, a Deny policy: 403, any other failure: 500), then the `$connect` integration (a
 *   non-2xx answer refuses the handshake with that status); the authorizer's `context` and
 *   `principalId` travel with every later event of the connection;
 * - a message is routed by the route selection expression `$request.body.action` (JSON body with
 *   a string `action` naming a route), else to `$default`; with no route, the client gets
 *   `{"message":"Forbidden"}`; a route with a route response sends the integration's `body`
 *   back; an integration that fails sends `{"message":"Internal server error"}`;
 * - `$disconnect` is invoked once per connection, with the close code;
 * - Management API on the same port, under the stage: `POST /{stage}/@connections/{id}` (more
 *   than 128 KB: 413 `PayloadTooLargeException`; an unknown or closed id: 410 `GoneException`),
 *   `GET` (410 likewise), `DELETE` (204).
 *
 * Integrations are functions the test passes in (the Lambda proxy calls), so this stays free of
 * how the functions run. Not emulated: API keys, usage plans, throttling, route request models,
 * outgoing frame splitting. A message route whose integration takes over 29 s answers
 * `{"message":"Endpoint request timed out"}` (the function runs on, as on AWS).
 */
import { randomBytes } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type {
  WebSocketAuthorizerEvent,
  WebSocketEvent,
  WebSocketRequestContext,
} from '../../functions/lib/websocket.ts';

/** The limits of one WebSocket API; AWS's are the defaults. */
export interface WebSocketGatewayLimits {
  /** Largest WebSocket frame a client may send, in bytes (AWS: 32 KB). */
  maxFrameBytes: number;
  /** Largest message (frames reassembled) a client may send, in bytes (AWS: 128 KB). */
  maxMessageBytes: number;
  /** Largest PostToConnection payload, in bytes (AWS: 128 KB). */
  maxPostBytes: number;
  /** Time without a message from the client after which the connection is closed (AWS: 10 min). */
  idleTimeoutMs: number;
  /** Longest life of a connection (AWS: 2 h). */
  maxConnectionMs: number;
  /** How long a message route waits for its integration (AWS: 29 s); the function runs on. */
  integrationTimeoutMs: number;
}

export const API_GATEWAY_WEBSOCKET_LIMITS: WebSocketGatewayLimits = {
  maxFrameBytes: 32_000,
  maxMessageBytes: 128_000,
  maxPostBytes: 128_000,
  idleTimeoutMs: 10 * 60_000,
  maxConnectionMs: 2 * 60 * 60_000,
  integrationTimeoutMs: 29_000,
};

/** A Lambda proxy integration: takes the event, answers what the function returned (or throws). */
export type Integration<E> = (event: E) => Promise<unknown>;

export interface WebSocketRoute {
  integration: Integration<WebSocketEvent>;
  /** A two-way route (it has a route response): the integration's `body` goes back to the client. */
  routeResponse: boolean;
}

export interface WebSocketAuthorizerConfig {
  invoke: Integration<WebSocketAuthorizerEvent>;
  /** `route.request.header.<Name>` or `route.request.querystring.<name>`; all must be present. */
  identitySource: readonly string[];
}

export interface WebSocketGatewayOptions {
  apiId: string;
  stage: string;
  region?: string;
  /** `$request.body.<field>`; only this form is supported (and the only one infra/ uses). */
  routeSelectionExpression: string;
  /** By route key: `$connect`, `$disconnect`, `$default` and custom keys. */
  routes: Readonly<Record<string, WebSocketRoute>>;
  /** The `$connect` route's REQUEST authorizer. */
  authorizer?: WebSocketAuthorizerConfig;
  limits?: Partial<WebSocketGatewayLimits>;
}

/** How a connection ended, as a test wants to see it. */
export interface ClosedConnection {
  connectionId: string;
  code: number;
  reason: string;
}

interface Connection {
  id: string;
  socket: WebSocket;
  connectedAt: number;
  lastActiveAt: number;
  sourceIp: string;
  headers: Record<string, string>;
  authorizer?: Record<string, string | number | boolean>;
  idleTimer: NodeJS.Timeout;
  lifeTimer: NodeJS.Timeout;
  /** Set once the gateway decided to close: later frames are dropped, not routed. */
  closing: boolean;
}

const STATUS_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  500: 'Internal Server Error',
};

export class ApiGatewayWebSocket {
  readonly limits: WebSocketGatewayLimits;
  /** Connections that ended, in order, with the code the gateway or the client closed with. */
  readonly closed: ClosedConnection[] = [];
  /** Integration and authorizer failures (what API Gateway would log). */
  readonly errors: { routeKey: string; error: unknown }[] = [];
  private readonly connections = new Map<string, Connection>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly wss: WebSocketServer;
  private port = 0;

  private constructor(
    private readonly options: WebSocketGatewayOptions,
    private readonly server: Server,
  ) {
    this.limits = { ...API_GATEWAY_WEBSOCKET_LIMITS, ...options.limits };
    const field = /^\$request\.body\.(\w+)$/.exec(options.routeSelectionExpression);
    if (!field) throw new Error(`unsupported route selection expression ${options.routeSelectionExpression}`);
    // `ws` closes with 1009 itself when a message passes maxPayload.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.limits.maxMessageBytes });
    server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
      this.track(this.upgrade(request, socket, head));
    });
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      this.track(this.management(request, response));
    });
  }

  /** Starts the API on a free loopback port. */
  static async start(options: WebSocketGatewayOptions): Promise<ApiGatewayWebSocket> {
    const server = createServer();
    const gateway = new ApiGatewayWebSocket(options, server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    gateway.port = (server.address() as AddressInfo).port;
    return gateway;
  }

  /** Where clients connect: `ws://127.0.0.1:<port>/<stage>`. */
  get url(): string {
    return `ws://127.0.0.1:${this.port}/${this.options.stage}`;
  }

  /** The Management API endpoint, for `createApiGatewayManagementClient({ endpoint })`. */
  get managementEndpoint(): string {
    return `http://127.0.0.1:${this.port}/${this.options.stage}`;
  }

  /** Ids of the open connections. */
  get connectionIds(): string[] {
    return [...this.connections.keys()];
  }

  /** Closes every connection (each gets its `$disconnect`) and the server. */
  async stop(): Promise<void> {
    for (const connection of this.connections.values()) this.close(connection, 1001, 'Going away');
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    for (const client of this.wss.clients) client.terminate();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => this.errors.push({ routeKey: '(gateway)', error }));
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  private requestContext(
    connectionId: string,
    routeKey: string,
    eventType: WebSocketRequestContext['eventType'],
    connectedAt: number,
    sourceIp: string,
  ): WebSocketRequestContext {
    const now = Date.now();
    return {
      routeKey,
      eventType,
      connectionId,
      domainName: `${this.options.apiId}.execute-api.${this.options.region ?? 'us-east-1'}.amazonaws.com`,
      stage: this.options.stage,
      apiId: this.options.apiId,
      requestId: randomBytes(6).toString('base64'),
      extendedRequestId: randomBytes(6).toString('base64'),
      connectedAt,
      requestTimeEpoch: now,
      requestTime: new Date(now).toUTCString(),
      messageDirection: 'IN',
      identity: { sourceIp },
    };
  }

  private async upgrade(request: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname.replace(/\/$/, '') !== `/${this.options.stage}`) return refuse(socket, 403);
    const connectionId = randomBytes(9).toString('base64');
    const connectedAt = Date.now();
    const sourceIp = request.socket.remoteAddress ?? '127.0.0.1';
    const headers = singleValueHeaders(request.headers);
    const query = Object.fromEntries(url.searchParams);
    const queryStringParameters = Object.keys(query).length > 0 ? query : null;
    const context = this.requestContext(connectionId, '$connect', 'CONNECT', connectedAt, sourceIp);

    let authorizer: Record<string, string | number | boolean> | undefined;
    const { authorizer: config } = this.options;
    if (config) {
      if (!identityPresent(config.identitySource, headers, query)) return refuse(socket, 401);
      const methodArn = `arn:aws:execute-api:${this.options.region ?? 'us-east-1'}:000000000000:${this.options.apiId}/${this.options.stage}/$connect`;
      let answer: unknown;
      try {
        answer = await config.invoke({
          type: 'REQUEST',
          methodArn,
          headers,
          queryStringParameters,
          requestContext: context,
        });
      } catch (error) {
        this.errors.push({ routeKey: '$connect authorizer', error });
        return refuse(socket, error instanceof Error && error.message === 'Unauthorized' ? 401 : 500);
      }
      const allowed = readPolicy(answer);
      if (allowed === 'invalid') return refuse(socket, 500);
      if (allowed === 'deny') return refuse(socket, 403);
      authorizer = allowed;
    }

    const connectRoute = this.options.routes.$connect;
    if (connectRoute) {
      const event: WebSocketEvent = {
        headers,
        multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
        ...(queryStringParameters ? { queryStringParameters } : {}),
        requestContext: { ...context, ...(authorizer ? { authorizer } : {}) },
        isBase64Encoded: false,
      };
      let answer: unknown;
      try {
        answer = await connectRoute.integration(event);
      } catch (error) {
        this.errors.push({ routeKey: '$connect', error });
        return refuse(socket, 500);
      }
      const status = statusOf(answer);
      if (status < 200 || status > 299) return refuse(socket, status);
    }

    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const connection: Connection = {
        id: connectionId,
        socket: ws,
        connectedAt,
        lastActiveAt: connectedAt,
        sourceIp,
        headers,
        ...(authorizer ? { authorizer } : {}),
        idleTimer: setTimeout(() => this.close(connection, 1001, 'Going away'), this.limits.idleTimeoutMs),
        lifeTimer: setTimeout(() => this.close(connection, 1001, 'Going away'), this.limits.maxConnectionMs),
        closing: false,
      };
      this.connections.set(connectionId, connection);
      // Sees every frame header before `ws` hands the frame on (its listener is added first; this
      // one runs first): a frame over the limit closes the connection and is never routed.
      const watcher = new FrameWatcher();
      socket.prependListener('data', (chunk: Buffer) => {
        if (connection.closing) return;
        if (watcher.push(chunk).some((length) => length > this.limits.maxFrameBytes)) {
          this.close(connection, 1009, 'Frame too large');
        }
      });
      ws.on('message', (data: RawData, isBinary: boolean) => {
        if (connection.closing) return;
        if (isBinary) {
          this.close(connection, 1003, 'Binary frames are not supported');
          return;
        }
        connection.lastActiveAt = Date.now();
        connection.idleTimer.refresh();
        this.track(this.route(connection, rawText(data)));
      });
      ws.on('close', (code: number, reason: Buffer) => {
        this.connections.delete(connectionId);
        clearTimeout(connection.idleTimer);
        clearTimeout(connection.lifeTimer);
        this.closed.push({ connectionId, code, reason: reason.toString('utf8') });
        this.track(this.disconnect(connection, code, reason.toString('utf8')));
      });
      ws.on('error', () => {});
    });
  }

  private close(connection: Connection, code: number, reason: string): void {
    if (connection.closing) return;
    connection.closing = true;
    connection.socket.close(code, reason);
    // A client that never answers the close handshake is cut off.
    setTimeout(() => connection.socket.terminate(), 2_000).unref();
  }

  private selectRoute(body: string): string {
    const field = /^\$request\.body\.(\w+)$/.exec(this.options.routeSelectionExpression)?.[1] ?? 'action';
    try {
      const parsed = JSON.parse(body) as unknown;
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        const key = (parsed as Record<string, unknown>)[field];
        if (typeof key === 'string' && !key.startsWith('$') && this.options.routes[key]) return key;
      }
    } catch {
      // Not JSON: the default route.
    }
    return '$default';
  }

  private async route(connection: Connection, body: string): Promise<void> {
    const routeKey = this.selectRoute(body);
    const route = this.options.routes[routeKey];
    const context = this.requestContext(
      connection.id,
      routeKey,
      'MESSAGE',
      connection.connectedAt,
      connection.sourceIp,
    );
    if (!route) {
      this.reply(connection, {
        message: 'Forbidden',
        connectionId: connection.id,
        requestId: context.requestId,
      });
      return;
    }
    const event: WebSocketEvent = {
      requestContext: {
        ...context,
        messageId: randomBytes(6).toString('base64'),
        ...(connection.authorizer ? { authorizer: connection.authorizer } : {}),
      },
      body,
      isBase64Encoded: false,
    };
    let answer: unknown;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timed-out'>((resolve) => {
      timer = setTimeout(() => resolve('timed-out'), this.limits.integrationTimeoutMs);
    });
    try {
      answer = await Promise.race([route.integration(event), timedOut]);
      if (answer === 'timed-out') {
        this.reply(connection, {
          message: 'Endpoint request timed out',
          connectionId: connection.id,
          requestId: context.requestId,
        });
        return;
      }
    } catch (error) {
      this.errors.push({ routeKey, error });
      this.reply(connection, {
        message: 'Internal server error',
        connectionId: connection.id,
        requestId: context.requestId,
      });
      return;
    } finally {
      clearTimeout(timer);
    }
    if (!route.routeResponse) return;
    const replyBody =
      typeof answer === 'object' && answer !== null ? (answer as { body?: unknown }).body : undefined;
    if (typeof replyBody === 'string' && connection.socket.readyState === connection.socket.OPEN) {
      connection.socket.send(replyBody);
    }
  }

  private reply(connection: Connection, message: unknown): void {
    if (connection.socket.readyState === connection.socket.OPEN)
      connection.socket.send(JSON.stringify(message));
  }

  private async disconnect(connection: Connection, code: number, reason: string): Promise<void> {
    const route = this.options.routes.$disconnect;
    if (!route) return;
    const event: WebSocketEvent = {
      headers: connection.headers,
      multiValueHeaders: Object.fromEntries(Object.entries(connection.headers).map(([k, v]) => [k, [v]])),
      requestContext: {
        ...this.requestContext(
          connection.id,
          '$disconnect',
          'DISCONNECT',
          connection.connectedAt,
          connection.sourceIp,
        ),
        disconnectStatusCode: code,
        disconnectReason: reason,
        ...(connection.authorizer ? { authorizer: connection.authorizer } : {}),
      },
      isBase64Encoded: false,
    };
    try {
      await route.integration(event);
    } catch (error) {
      this.errors.push({ routeKey: '$disconnect', error });
    }
  }

  /** The `@connections` Management API. */
  private async management(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const match = /^\/([^/]+)\/@connections\/([^/]+)$/.exec(url.pathname);
    if (!match || match[1] !== this.options.stage) {
      answer(response, 404, 'NotFoundException', { message: 'Not Found' });
      return;
    }
    const connection = this.connections.get(decodeURIComponent(match[2] ?? ''));
    const live = connection && !connection.closing ? connection : undefined;
    if (request.method === 'POST') {
      const body = await readLimited(request, this.limits.maxPostBytes);
      if (body === 'too-large') {
        answer(response, 413, 'PayloadTooLargeException', { message: 'Request entity too large' });
        return;
      }
      if (!live) {
        answer(response, 410, 'GoneException', { message: 'GoneException' });
        return;
      }
      live.socket.send(body.toString('utf8'));
      response.writeHead(200).end();
      return;
    }
    if (request.method === 'GET') {
      if (!live) {
        answer(response, 410, 'GoneException', { message: 'GoneException' });
        return;
      }
      // The wire names of GetConnection's answer (the SDK maps them to ConnectedAt, Identity…).
      answer(response, 200, undefined, {
        connectedAt: new Date(live.connectedAt).toISOString(),
        lastActiveAt: new Date(live.lastActiveAt).toISOString(),
        identity: { sourceIp: live.sourceIp, userAgent: live.headers['User-Agent'] ?? '' },
      });
      return;
    }
    if (request.method === 'DELETE') {
      if (!live) {
        answer(response, 410, 'GoneException', { message: 'GoneException' });
        return;
      }
      this.close(live, 1000, '');
      response.writeHead(204).end();
      return;
    }
    answer(response, 405, 'MethodNotAllowedException', { message: 'Method Not Allowed' });
  }
}

/**
 * Reads WebSocket frame headers off a byte stream (RFC 6455, 5.2): `FIN|RSV|opcode`, `MASK|len7`,
 * then a 16- or 64-bit length when len7 is 126 or 127, a 4-byte mask when MASK is set, then the
 * payload, which is skipped.
 */
export class FrameWatcher {
  private header = Buffer.alloc(0);
  private skip = 0;

  /** Feeds a chunk; returns the payload lengths of the frames whose header it completed. */
  push(chunk: Buffer): number[] {
    const lengths: number[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (this.skip > 0) {
        const skipped = Math.min(this.skip, chunk.length - offset);
        this.skip -= skipped;
        offset += skipped;
        continue;
      }
      const appended = Math.min(14, chunk.length - offset);
      const before = this.header.length;
      this.header = Buffer.concat([this.header, chunk.subarray(offset, offset + appended)]);
      const parsed = parseFrameHeader(this.header);
      if (!parsed) {
        offset += appended;
        continue;
      }
      // Of what was appended, only the header's own bytes are consumed here.
      offset += parsed.headerBytes - before;
      this.header = Buffer.alloc(0);
      this.skip = parsed.payloadBytes;
      lengths.push(parsed.payloadBytes);
    }
    return lengths;
  }
}

function parseFrameHeader(bytes: Buffer): { headerBytes: number; payloadBytes: number } | undefined {
  if (bytes.length < 2) return undefined;
  const second = bytes[1] ?? 0;
  const len7 = second & 0x7f;
  const masked = (second & 0x80) !== 0;
  const lengthBytes = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
  const headerBytes = 2 + lengthBytes + (masked ? 4 : 0);
  if (bytes.length < headerBytes) return undefined;
  const payloadBytes =
    len7 === 126 ? bytes.readUInt16BE(2) : len7 === 127 ? Number(bytes.readBigUInt64BE(2)) : len7;
  return { headerBytes, payloadBytes };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

/** Header names as the client sent them, one value each (repeated ones joined with commas). */
function singleValueHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const canonical = name.replace(
      /(^|-)([a-z])/g,
      (_m, dash: string, letter: string) => dash + letter.toUpperCase(),
    );
    result[canonical] = Array.isArray(value) ? value.join(',') : value;
  }
  return result;
}

function identityPresent(
  sources: readonly string[],
  headers: Record<string, string>,
  query: Record<string, string>,
): boolean {
  return sources.every((source) => {
    const header = /^route\.request\.header\.(.+)$/.exec(source)?.[1];
    if (header) return Object.keys(headers).some((name) => name.toLowerCase() === header.toLowerCase());
    const param = /^route\.request\.querystring\.(.+)$/.exec(source)?.[1];
    if (param) return query[param] !== undefined;
    return false;
  });
}

/** An IAM policy answer: its context (with `principalId`) when it allows, else deny or invalid. */
function readPolicy(answer: unknown): Record<string, string | number | boolean> | 'deny' | 'invalid' {
  if (typeof answer !== 'object' || answer === null) return 'invalid';
  const { principalId, policyDocument, context } = answer as {
    principalId?: unknown;
    policyDocument?: { Statement?: { Effect?: unknown }[] };
    context?: Record<string, string | number | boolean>;
  };
  const statements = policyDocument?.Statement;
  if (typeof principalId !== 'string' || !Array.isArray(statements) || statements.length === 0)
    return 'invalid';
  if (statements.some((statement) => statement.Effect !== 'Allow')) return 'deny';
  return { ...context, principalId };
}

function statusOf(answer: unknown): number {
  if (typeof answer === 'object' && answer !== null) {
    const status = (answer as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number') return status;
  }
  // A proxy integration that answers nothing usable is a success on `$connect` only with 200.
  return 200;
}

function refuse(socket: Socket, status: number): void {
  const body = JSON.stringify({ message: STATUS_TEXT[status] ?? 'Error' });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function answer(
  response: ServerResponse,
  status: number,
  errorType: string | undefined,
  body: unknown,
): void {
  response.writeHead(status, {
    'content-type': 'application/json',
    ...(errorType ? { 'x-amzn-ErrorType': errorType } : {}),
  });
  response.end(JSON.stringify(body));
}

async function readLimited(request: IncomingMessage, maxBytes: number): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end either way, so the client gets the answer rather than a reset.
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= maxBytes) chunks.push(chunk);
  }
  return size > maxBytes ? 'too-large' : Buffer.concat(chunks);
}
