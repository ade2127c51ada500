import { IngestApi } from '@geqo/shared/app/http-api';
import type { IngestChannels, LogIngestor, WebhookIngestor } from '@geqo/shared/app/log-ingest';
import type { ServerRegistry } from '@geqo/shared/app/servers';
import type { Logger } from '@geqo/shared/ports';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { answerEvent } from '../api/api-gateway-http.ts';
import type { FlushableMetrics } from '../lib/emf-metrics.ts';
import { withMetrics } from '../lib/observability.ts';

export interface PlainIngestDeps {
  logs: Pick<LogIngestor, 'ingest'>;
  webhooks: Pick<WebhookIngestor, 'ingest'>;
  /** For the outbox sweep (see {@link RecoverOutboxesEvent}). */
  channels: Pick<IngestChannels, 'recoverPending'>;
  servers: Pick<ServerRegistry, 'authenticate'>;
  logger: Logger;
  metrics: FlushableMetrics;
}

/**
 * The outbox sweep, sent by an EventBridge schedule (or by hand: `aws lambda invoke`): puts the
 * frames a crashed or failed request left in a channel's outbox. A channel's next request does it
 * too, but a server that stopped sending (or a webhook, which is never resent) has no next request.
 */
export interface RecoverOutboxesEvent {
  action: 'recover-outboxes';
  /** Channels looked at, oldest first (default 1,000). */
  limit?: number;
}

export interface RecoverOutboxesResult {
  /** Frames put on the stream again. */
  frames: number;
}

export type PlainIngestEvent = APIGatewayProxyEventV2 | RecoverOutboxesEvent;

/** The function: an HTTP API request gets an HTTP response, the sweep its count. */
export interface PlainIngestHandler {
  (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2>;
  (event: RecoverOutboxesEvent): Promise<RecoverOutboxesResult>;
}

type Request = APIGatewayProxyEventV2;
type Response = APIGatewayProxyStructuredResultV2;

const DEFAULT_RECOVERY_LIMIT = 1_000;

const isRecoverEvent = (event: PlainIngestEvent): event is RecoverOutboxesEvent =>
  (event as Partial<RecoverOutboxesEvent>).action === 'recover-outboxes';

/**
 * Plugin-free ingest on the HTTP API (the routes whose target is `plain-ingest` in `API_ROUTES`):
 *
 * - `POST /v1/logs/{serverId}/{token}`: a body of CS2's HTTP log stream (`logaddress_add_http`),
 *   authenticated by the server token in the path (or its secret alone, the path naming the
 *   server), with CS2's `X-Server-Instance-Token` and `X-LogBytes-BeginOffset/EndOffset`;
 * - `POST /v1/webhooks/matchzy|get5`: a match plugin's event, authenticated by
 *   `Authorization: Bearer <server token>`.
 *
 * A 200 means the events are on the raw stream (or the request was a resend already applied); a
 * wrong or revoked token is a 401; a webhook body that is not a webhook payload is a 400; the
 * database or the stream being down is a 503 with `Retry-After`, so the server sends the same
 * request again (CS2 resends a byte range until it is acknowledged).
 */
export function makeHandler(deps: PlainIngestDeps): PlainIngestHandler {
  const { channels, logger, metrics } = deps;
  const api = new IngestApi({
    logs: deps.logs,
    webhooks: deps.webhooks,
    servers: deps.servers,
    logger,
    metrics,
  });

  const serve = async (request: Request): Promise<Response> => {
    // A bug is a 500 for the sender, which sends the request again.
    const response = await answerEvent(api, request, logger, 'ingest request failed');
    metrics.count('plain_ingest_requests', 1, { status: String(response.statusCode ?? 200) });
    return response;
  };

  const recover = async (event: RecoverOutboxesEvent): Promise<RecoverOutboxesResult> => {
    const asked = Number.isFinite(event.limit) ? Math.trunc(event.limit as number) : DEFAULT_RECOVERY_LIMIT;
    const limit = Math.max(1, Math.min(100_000, asked));
    // A failure is thrown: the invocation fails (and alarms), and the next sweep tries again.
    const frames = await channels.recoverPending(limit);
    if (frames > 0) logger.info('outbox frames put on the stream again', { frames });
    return { frames };
  };

  const handler = (event: PlainIngestEvent): Promise<Response | RecoverOutboxesResult> =>
    withMetrics<Response | RecoverOutboxesResult>(metrics, () =>
      isRecoverEvent(event) ? recover(event) : serve(event),
    );
  return handler as PlainIngestHandler;
}
