import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { redactSecrets } from '@geqo/shared/adapters/logging';
import { errorBody, INTERNAL_ERROR } from '@geqo/shared/app/http-api';
import type { Logger } from '@geqo/shared/ports';
import type { DashboardSockets } from './dashboard-sockets.ts';
import { HttpError, parseRequestTarget, type Router, readBody, sendJson } from './router.ts';

const MAX_BODY = 1024 * 1024;

export interface HttpServerOptions {
  /** The largest request body read, in bytes (1 MiB); a larger one is a 413. */
  maxBodyBytes?: number;
}

/**
 * The local HTTP port: REST API, log POSTs, `/metrics`, `/healthz`, the dashboard and its `/ws`.
 *
 * `geqo up` listens on every interface, so anything may arrive here. Nothing a request carries can
 * stop the process: each request, upgrade and parser error is handled where it happens; an
 * unexpected error is a 500 (or a closed socket) for that request and a log line, with secrets
 * taken out of the path first.
 */
export class HttpServer {
  private readonly server: Server;
  private readonly maxBodyBytes: number;

  constructor(
    private readonly router: Router,
    /** The dashboard sockets on `/ws`; null where this process has none (no broadcaster role): a 404. */
    private readonly dashboards: DashboardSockets | null,
    private readonly logger: Logger,
    options: HttpServerOptions = {},
  ) {
    this.maxBodyBytes = options.maxBodyBytes ?? MAX_BODY;
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => this.lastResort(request, response, error));
    });
    this.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      // Node takes its own listeners off an upgraded socket: a reset must not be an uncaught error.
      socket.on('error', (error) =>
        this.logger.debug('upgrade socket error', { path: this.pathOf(request), error: String(error) }),
      );
      try {
        const url = parseRequestTarget(request.url);
        if (url === null)
          socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        else if (url.pathname === '/ws' && this.dashboards)
          this.dashboards.handleUpgrade(request, socket, head);
        else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      } catch (error) {
        this.logger.error('upgrade failed', {
          path: this.pathOf(request),
          error: redactSecrets(String(error)),
        });
        socket.destroy();
      }
    });
    // Bytes that are not HTTP: a 400 (431 for headers too large, 408 for too slow), then close.
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
      this.logger.debug('malformed request', { code: error.code, error: redactSecrets(error.message) });
      // An answer already started on this socket (a body that broke off mid-way) cannot be replaced.
      const answering = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
      if (!socket.writable || answering?.headersSent === true) {
        socket.destroy();
        return;
      }
      const [status, reason] =
        error.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'Request Header Fields Too Large']
          : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? [408, 'Request Timeout']
            : [400, 'Bad Request'];
      const body = JSON.stringify({
        error: { code: 'BAD_REQUEST', message: 'not a valid HTTP/1.1 request' },
      });
      socket.end(
        `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = parseRequestTarget(request.url);
    try {
      if (url === null) throw new HttpError(400, 'BAD_URL', 'the request target is not a URL path');
      const found = this.router.match(request.method ?? 'GET', url.pathname);
      if (found === null)
        throw new HttpError(404, 'NOT_FOUND', `no route for ${redactSecrets(url.pathname)}`);
      if (found === 'method')
        throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${request.method} not allowed here`);
      await found.handler({
        request,
        response,
        params: found.params,
        query: url.searchParams,
        body: () => readBody(request, this.maxBodyBytes),
      });
    } catch (error) {
      this.fail(request, response, error);
    }
  }

  /** Answers a failed request: its own status for an `HttpError`, else a logged 500. */
  private fail(request: IncomingMessage, response: ServerResponse, error: unknown): void {
    // The socket, not the request: a request whose body was read to its end is destroyed too.
    if (request.socket.destroyed && !(error instanceof HttpError)) {
      // The client went away (an aborted upload): nothing to answer, nothing broken here.
      this.logger.info('request aborted by the client', {
        method: request.method,
        path: this.pathOf(request),
        error: redactSecrets(String(error)),
      });
      response.destroy();
      return;
    }
    if (response.headersSent) {
      this.logger.warn('request failed after its answer started', {
        method: request.method,
        path: this.pathOf(request),
        error: redactSecrets(String(error)),
      });
      response.destroy();
      return;
    }
    if (error instanceof HttpError) {
      // A refused request's unread body (a 413's above all) is not wanted: close once answered.
      if (!request.complete) response.setHeader('Connection', 'close');
      sendJson(response, error.status, errorBody(error.code, error.message));
      return;
    }
    this.logger.error('request failed', {
      method: request.method,
      path: this.pathOf(request),
      error: redactSecrets(error instanceof Error ? (error.stack ?? String(error)) : String(error)),
    });
    sendJson(response, INTERNAL_ERROR.status, INTERNAL_ERROR.body);
  }

  /** Where even answering failed: a log line and a closed socket, never a crashed process. */
  private lastResort(request: IncomingMessage, response: ServerResponse, error: unknown): void {
    try {
      this.logger.error('request handling failed', {
        path: this.pathOf(request),
        error: redactSecrets(String(error)),
      });
      response.destroy();
    } catch {
      // Nothing is left to do for this request.
    }
  }

  /** The request's path for a log line: its secrets redacted, its query left out. */
  private pathOf(request: IncomingMessage): string {
    const target = request.url ?? '';
    const question = target.indexOf('?');
    return redactSecrets((question < 0 ? target : target.slice(0, question)).slice(0, 512));
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        // An accept error (out of file descriptors) later on is logged, not thrown.
        this.server.on('error', (error) => this.logger.error('http server error', { error: String(error) }));
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  async close(): Promise<void> {
    this.dashboards?.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
