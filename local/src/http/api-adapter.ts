/**
 * The local HTTP server's side of the transport-free API (`@geqo/shared/app/http-api`): a route's
 * request becomes an `ApiRequest` (body bounded by the server's limit, a 413 past it), and its
 * `ApiResponse` is written back as JSON.
 */
import type { IncomingMessage } from 'node:http';
import { type AccessLevel, type ApiRequest, type ApiResponse, queryOf } from '@geqo/shared/app/http-api';
import { type Router, sendJson } from './router.ts';

/**
 * Adds a route that answers through the shared API. `authorize` applies the local access rules
 * (admin token or this machine, read token, cross-site checks) for an access level.
 */
export function serveApiRoute(
  router: Router,
  route: { method: string; path: string },
  answer: (request: ApiRequest) => Promise<ApiResponse>,
  authorize: (level: AccessLevel, request: IncomingMessage) => void = () => {},
): void {
  router.on(route.method, route.path, async ({ request, response, params, query, body }) => {
    const answered = await answer({
      params,
      query: queryOf(query),
      headers: headersOf(request),
      body,
      authorize: (level) => authorize(level, request),
    });
    for (const [name, value] of Object.entries(answered.headers ?? {})) response.setHeader(name, value);
    // A refused request's unread body (a 413's above all) is not wanted: close once answered.
    if (answered.status >= 400 && !request.complete) response.setHeader('Connection', 'close');
    sendJson(response, answered.status, answered.body);
  });
}

/** Header values by lower-case name; a repeated header's values joined with commas (as on AWS). */
function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
