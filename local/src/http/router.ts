import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from '@geqo/shared/app/http-api';

export { HttpError };

export interface RouteContext {
  request: IncomingMessage;
  response: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  body: () => Promise<Buffer>;
}

export type RouteHandler = (context: RouteContext) => Promise<void> | void;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: RouteHandler;
}

/** A small method + path router: `/v1/matches/:id/events` (or `/v1/matches/{id}/events`). */
export class Router {
  private readonly routes: Route[] = [];

  on(method: string, path: string, handler: RouteHandler): this {
    const names: string[] = [];
    const pattern = new RegExp(
      `^${path
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        .replace(/\/(?::([a-zA-Z]+)|\\\{([a-zA-Z]+)\\\})/g, (_m, colon?: string, braced?: string) => {
          const name = colon ?? braced ?? '';
          names.push(name);
          return '/([^/]+)';
        })}/?$`,
    );
    this.routes.push({ method, pattern, names, handler });
    return this;
  }

  /** The matching route, or whether the path exists with another method (405). */
  match(
    method: string,
    pathname: string,
  ): { handler: RouteHandler; params: Record<string, string> } | 'method' | null {
    let pathMatched = false;
    for (const route of this.routes) {
      const found = route.pattern.exec(pathname);
      if (!found) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        try {
          params[name] = decodeURIComponent(found[i + 1] ?? '');
        } catch {
          throw new HttpError(400, 'BAD_PATH', `the path parameter ${name} is not valid percent-encoding`);
        }
      });
      return { handler: route.handler, params };
    }
    return pathMatched ? 'method' : null;
  }
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  response.end(text);
}

/**
 * The request target as a URL, or `null` where it is not one (`GET http://[ HTTP/1.1`): the
 * parser lets any bytes through as the target, and `new URL()` throws on them.
 */
export function parseRequestTarget(target: string | undefined): URL | null {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}

function bodyTooLarge(limit: number): HttpError {
  return new HttpError(413, 'BODY_TOO_LARGE', `request body over ${limit} bytes`);
}

/**
 * The request body, at most `limit` bytes. A larger one is a 413: at once when `Content-Length`
 * says so, else when the count passes the limit. The rest of the body is read and dropped (not
 * kept) until the 413 is written and the connection closed, so the client reads its answer
 * instead of a reset.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(bodyTooLarge(limit));
  if (request.destroyed) return Promise.reject(new Error('request aborted by the client'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    request.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        reject(bodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
    // A client gone before the end of its body: settle, so the handler does not wait for ever.
    request.on('close', () => {
      if (!request.complete) reject(new Error('request aborted by the client'));
    });
  });
}
