/**
 * `POST /v1/webhooks/matchzy` and `POST /v1/webhooks/get5`: the match plugins' event webhooks,
 * authenticated per server by `Authorization: Bearer <server token>`. Set up on the server with
 *
 * ```
 * matchzy_remote_log_url "http://<host>:8080/v1/webhooks/matchzy"
 * matchzy_remote_log_header_key "Authorization"
 * matchzy_remote_log_header_value "Bearer <token>"
 * ```
 *
 * (get5: `get5_remote_log_url`, `get5_remote_log_header_key`, `get5_remote_log_header_value`).
 * The token alone, without `Bearer `, is accepted as the header value too. A 200 means the event is
 * on the raw stream (or had nothing to map); a body that is not a webhook payload is a 400.
 */
import type { IncomingMessage } from 'node:http';
import type { WebhookIngestor } from '@geqo/shared/app/log-ingest';
import type { ServerRegistry } from '@geqo/shared/app/servers';
import { WEBHOOK_SOURCES } from '@geqo/shared/domain/webhooks';
import { HttpError, type Router, sendJson } from './router.ts';
import { authenticatedServer, sendRetryLater } from './server-auth.ts';

export interface WebhookRoutesDeps {
  ingestor: WebhookIngestor;
  servers: ServerRegistry;
}

/** Adds the webhook routes to the local HTTP API. */
export function webhookRoutes(deps: WebhookRoutesDeps): (router: Router) => void {
  return (router) => {
    for (const source of WEBHOOK_SOURCES) {
      router.on('POST', `/v1/webhooks/${source}`, async ({ request, response, body }) => {
        const serverId = await authenticatedServer(deps.servers, bearerToken(request));
        if (serverId === null) {
          throw new HttpError(
            401,
            'UNAUTHORIZED',
            'send the server token as "Authorization: Bearer <token>"',
          );
        }
        const bytes = await body();
        const result = await sendRetryLater(response, () =>
          deps.ingestor.ingest({ serverId, source, body: bytes }),
        );
        if (result === undefined) return;
        if (result.status === 'invalid') throw new HttpError(400, 'BAD_PAYLOAD', result.reason);
        sendJson(response, 200, result);
      });
    }
  };
}

function bearerToken(request: IncomingMessage): string | null {
  const header = request.headers.authorization?.trim();
  if (header === undefined || header === '') return null;
  return header.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : header;
}
