/**
 * `POST /v1/logs/{serverId}/{token}`: a CS2 server's own HTTP log stream, set up on the server with
 *
 * ```
 * log on
 * logaddress_delall_http
 * logaddress_add_http "http://<host>:8080/v1/logs/<serverId>/<token>"
 * ```
 *
 * `token` is the server token `geqo server add` printed (`<serverId>.<secret>`); the secret alone
 * is accepted too, since the path already names the server. A wrong or revoked token is a 401.
 * The 200 means the body's events are on the raw stream; a 503 asks the server to send the same
 * body again (CS2 resends a byte range until it is acknowledged).
 */
import type { IncomingMessage } from 'node:http';
import type { LogIngestor } from '@geqo/shared/app/log-ingest';
import type { ServerRegistry } from '@geqo/shared/app/servers';
import { HttpError, type Router, sendJson } from './router.ts';
import { authenticatedServer, sendRetryLater } from './server-auth.ts';

export interface LogRoutesDeps {
  ingestor: LogIngestor;
  servers: ServerRegistry;
}

/** Adds the log route to the local HTTP API. */
export function logRoutes(deps: LogRoutesDeps): (router: Router) => void {
  return (router) => {
    router.on('POST', '/v1/logs/:serverId/:token', async ({ request, response, params, body }) => {
      const serverId = params.serverId ?? '';
      const presented = params.token ?? '';
      const token = presented.includes('.') ? presented : `${serverId}.${presented}`;
      const authenticated = await authenticatedServer(deps.servers, token);
      if (authenticated !== serverId) {
        throw new HttpError(401, 'UNAUTHORIZED', 'unknown server, or a wrong or revoked token');
      }
      const bytes = await body();
      const result = await sendRetryLater(response, () =>
        deps.ingestor.ingest({
          serverId,
          body: bytes,
          instance: header(request, 'x-server-instance-token'),
          beginOffset: offsetHeader(request, 'x-logbytes-beginoffset'),
          endOffset: offsetHeader(request, 'x-logbytes-endoffset'),
        }),
      );
      if (result !== undefined) sendJson(response, 200, result);
    });
  };
}

function header(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === '' ? null : text.trim().slice(0, 256);
}

function offsetHeader(request: IncomingMessage, name: string): number | null {
  const text = header(request, name);
  if (text === null || !/^\d{1,15}$/.test(text)) return null;
  return Number(text);
}
