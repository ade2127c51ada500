import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '@geqo/shared/ports';
import type { DashboardSockets } from './dashboard-sockets.ts';
import { HttpError, type Router, readBody, sendJson } from './router.ts';

const MAX_BODY = 1024 * 1024;

/** The local HTTP port: REST API, log POSTs, `/metrics`, `/healthz`, the dashboard and its `/ws`. */
export class HttpServer {
  private readonly server: Server;

  constructor(
    private readonly router: Router,
    private readonly dashboards: DashboardSockets,
    private readonly logger: Logger,
  ) {
    this.server = createServer((request, response) => {
      void this.handle(request, response);
    });
    this.server.on('upgrade', (request, socket, head) => {
      const { pathname } = new URL(request.url ?? '/', 'http://localhost');
      if (pathname === '/ws') this.dashboards.handleUpgrade(request, socket, head);
      else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    try {
      const found = this.router.match(request.method ?? 'GET', url.pathname);
      if (found === null) throw new HttpError(404, 'NOT_FOUND', `no route for ${url.pathname}`);
      if (found === 'method')
        throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${request.method} not allowed here`);
      await found.handler({
        request,
        response,
        params: found.params,
        query: url.searchParams,
        body: () => readBody(request, MAX_BODY),
      });
    } catch (error) {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (error instanceof HttpError) {
        sendJson(response, error.status, { error: { code: error.code, message: error.message } });
        return;
      }
      this.logger.error('request failed', {
        method: request.method,
        path: url.pathname,
        error: String(error),
      });
      sendJson(response, 500, { error: { code: 'INTERNAL', message: 'internal error' } });
    }
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  async close(): Promise<void> {
    this.dashboards.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
