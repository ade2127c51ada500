import { errorBody, HttpError, INTERNAL_ERROR } from '@geqo/shared/app/http-api';
import type { IngestChannels, LogIngestor, WebhookIngestor } from '@geqo/shared/app/log-ingest';
import type { ServerRegistry } from '@geqo/shared/app/servers';
import type { WebhookSource } from '@geqo/shared/domain/webhooks';
import type { Logger } from '@geqo/shared/ports';
import { isProgrammerError, PipelineError, UnavailableError } from '@geqo/shared/ports';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { PlainIngestRouteKey } from '../api/routes.ts';
import type { FlushableMetrics } from '../lib/emf-metrics.ts';
import { withMetrics } from '../lib/runtime.ts';
import { headerOf } from '../lib/websocket.ts';

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

const WEBHOOK_ROUTES: Record<
  Exclude<PlainIngestRouteKey, 'POST /v1/logs/{serverId}/{token}'>,
  WebhookSource
> = {
  'POST /v1/webhooks/matchzy': 'matchzy',
  'POST /v1/webhooks/get5': 'get5',
};

function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): Response {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * The body's bytes. API Gateway base64-encodes a body it does not take for text; a text body
 * (CS2 sends `text/plain`) arrives as a string, UTF-8 again here.
 */
function bodyBytes(request: Request): Uint8Array {
  const body = request.body ?? '';
  return new Uint8Array(Buffer.from(body, request.isBase64Encoded ? 'base64' : 'utf8'));
}

/** A header's first value, trimmed and bounded; null when absent or blank. */
function header(request: Request, name: string): string | null {
  // API Gateway joins repeated headers with commas: the first one is what the sender meant.
  const value = headerOf(request.headers, name)?.split(',')[0]?.trim();
  return value ? value.slice(0, 256) : null;
}

function offsetHeader(request: Request, name: string): number | null {
  const text = header(request, name);
  return text !== null && /^\d{1,15}$/.test(text) ? Number(text) : null;
}

/** `Authorization: Bearer <token>`; the token alone as the header value is accepted too. */
function bearerToken(request: Request): string | null {
  const value = headerOf(request.headers, 'authorization')?.trim();
  if (!value) return null;
  return /^bearer\s/i.test(value) ? value.slice(7).trim() : value;
}

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
  const { logs, webhooks, channels, servers, logger, metrics } = deps;

  /** The server a token proves; a database failure is retriable, as the ingest's own. */
  const authenticate = async (token: string | null): Promise<string | null> => {
    try {
      const result = await servers.authenticate(token);
      if (result.ok) return result.serverId;
      metrics.count('plain_ingest_refused', 1, { reason: result.reason });
      return null;
    } catch (error) {
      if (isProgrammerError(error)) throw error;
      logger.error('server authentication failed', { error });
      throw new UnavailableError('the server registry is not available right now; send again later', {
        cause: error,
      });
    }
  };

  const ingestLog = async (request: Request): Promise<Response> => {
    const serverId = request.pathParameters?.serverId ?? '';
    const presented = request.pathParameters?.token ?? '';
    const token = presented.includes('.') ? presented : `${serverId}.${presented}`;
    const proven = await authenticate(token);
    if (serverId === '' || proven !== serverId) {
      throw new HttpError(401, 'UNAUTHORIZED', 'unknown server, or a wrong or revoked token');
    }
    const result = await logs.ingest({
      serverId,
      body: bodyBytes(request),
      instance: header(request, 'x-server-instance-token'),
      beginOffset: offsetHeader(request, 'x-logbytes-beginoffset'),
      endOffset: offsetHeader(request, 'x-logbytes-endoffset'),
    });
    return json(200, result);
  };

  const ingestWebhook = async (request: Request, source: WebhookSource): Promise<Response> => {
    const serverId = await authenticate(bearerToken(request));
    if (serverId === null) {
      throw new HttpError(401, 'UNAUTHORIZED', 'send the server token as "Authorization: Bearer <token>"');
    }
    const result = await webhooks.ingest({ serverId, source, body: bodyBytes(request) });
    if (result.status === 'invalid') throw new HttpError(400, 'BAD_PAYLOAD', result.reason);
    return json(200, result);
  };

  const route = (request: Request): Promise<Response> => {
    if (request.routeKey === 'POST /v1/logs/{serverId}/{token}') return ingestLog(request);
    const source = WEBHOOK_ROUTES[request.routeKey as keyof typeof WEBHOOK_ROUTES];
    if (source !== undefined) return ingestWebhook(request, source);
    throw new HttpError(404, 'NOT_FOUND', `no route ${request.routeKey}`);
  };

  const serve = async (request: Request): Promise<Response> => {
    const answer = (response: Response): Response => {
      metrics.count('plain_ingest_requests', 1, { status: String(response.statusCode ?? 200) });
      return response;
    };
    try {
      return answer(await route(request));
    } catch (error) {
      if (error instanceof HttpError) {
        logger.warn('ingest request refused', {
          routeKey: request.routeKey,
          serverId: request.pathParameters?.serverId,
          status: error.status,
          code: error.code,
        });
        return answer(json(error.status, errorBody(error.code, error.message)));
      }
      if (error instanceof PipelineError && error.retriable) {
        // Logged where it happened (the channel, the authentication); the sender retries.
        return answer(json(503, errorBody(error.code, error.message), { 'retry-after': '1' }));
      }
      // A bug: logged in full here, a plain 500 for the sender (which sends the request again).
      logger.error('ingest request failed', {
        routeKey: request.routeKey,
        requestId: request.requestContext.requestId,
        error,
      });
      return answer(json(INTERNAL_ERROR.status, INTERNAL_ERROR.body));
    }
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
