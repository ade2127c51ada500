/**
 * Plugin-free ingest (DESIGN.md section 3), written once for both transports: the CS2 HTTP log
 * stream (`POST /v1/logs/{serverId}/{token}`) and the match plugins' webhooks
 * (`POST /v1/webhooks/matchzy|get5`). A game server's token authenticates them (a game server
 * cannot sign requests); a 200 means the events are on the raw stream (or the request was a resend
 * already applied); a wrong or revoked token is a 401; a webhook body that is not a webhook payload
 * is a 400; the database or the stream being down is a 503 with `Retry-After`, so the server sends
 * the same request again (CS2 resends a byte range until it is acknowledged).
 */
import { Type } from '@sinclair/typebox';
import { WEBHOOK_SOURCES, type WebhookSource } from '../../domain/webhooks/index.ts';
import {
  isProgrammerError,
  type Logger,
  type Metrics,
  PipelineError,
  UnavailableError,
} from '../../ports/index.ts';
import type { LogIngestor, WebhookIngestor } from '../log-ingest/index.ts';
import type { ServerRegistry } from '../servers/index.ts';
import type { ApiRequest, ApiResponse } from './api-request.ts';
import { ERROR_SCHEMA, errorBody, HttpError } from './http-error.ts';
import { type ParamSpec, pathParams } from './params.ts';
import type { ApiOperation } from './routes.ts';

export interface IngestApiDeps {
  logs: Pick<LogIngestor, 'ingest'>;
  webhooks: Pick<WebhookIngestor, 'ingest'>;
  servers: Pick<ServerRegistry, 'authenticate'>;
  logger: Logger;
  metrics: Metrics;
}

/** An ingest route: its operation, and the handler both transports call. */
export interface IngestRoute extends ApiOperation {
  handle: (request: ApiRequest, deps: IngestApiDeps) => Promise<ApiResponse>;
}

/** A header's first value, trimmed and bounded; null when absent or blank. */
export function headerValue(request: Pick<ApiRequest, 'headers'>, name: string): string | null {
  // A repeated header's values arrive joined with commas: the first one is what the sender meant.
  const value = request.headers[name]?.split(',')[0]?.trim();
  return value ? value.slice(0, 256) : null;
}

/** A byte offset header (`X-LogBytes-BeginOffset`), or null when absent or not a number. */
export function offsetHeader(request: Pick<ApiRequest, 'headers'>, name: string): number | null {
  const text = headerValue(request, name);
  return text !== null && /^\d{1,15}$/.test(text) ? Number(text) : null;
}

/** `Authorization: Bearer <token>`; the token alone as the header value is accepted too. */
export function bearerToken(request: Pick<ApiRequest, 'headers'>): string | null {
  const value = headerValue(request, 'authorization');
  if (!value) return null;
  return /^bearer\s/i.test(value) ? value.slice(7).trim() : value;
}

/** The server a token proves, or null; a database failure is retriable (a 503), as the ingest's own. */
async function authenticate(deps: IngestApiDeps, token: string | null): Promise<string | null> {
  try {
    const result = await deps.servers.authenticate(token);
    if (result.ok) return result.serverId;
    deps.metrics.count('plain_ingest_refused', 1, { reason: result.reason });
    return null;
  } catch (error) {
    if (isProgrammerError(error)) throw error;
    deps.logger.error('server authentication failed', { error: String(error) });
    throw new UnavailableError('the server registry is not available right now; send again later', {
      cause: error,
    });
  }
}

const header = (name: string, description: string, pattern?: string): ParamSpec<undefined> => ({
  name,
  in: 'header',
  required: false,
  description,
  schema: Type.String(pattern ? { pattern } : {}),
  read: () => undefined,
});

const retryLater = {
  description: 'The database or the stream is down: send the same request again (`Retry-After`).',
  schema: ERROR_SCHEMA,
};
const wrongToken = { description: 'Unknown server, or a wrong or revoked token.', schema: ERROR_SCHEMA };
const accepted = (description: string) => ({
  description,
  schema: Type.Object({}, { additionalProperties: true }),
});

const webhook = (source: WebhookSource): IngestRoute => ({
  method: 'POST',
  path: `/v1/webhooks/${source}`,
  operationId: `${source}Webhook`,
  summary: `A ${source === 'matchzy' ? 'MatchZy' : 'get5'} event webhook; \`Authorization: Bearer <server token>\`.`,
  access: 'server',
  parameters: [],
  requestBody: Type.Object({}, { additionalProperties: true }),
  responses: {
    200: accepted('The event is on the raw stream (or had nothing to map).'),
    400: { description: 'Not a webhook payload (`BAD_PAYLOAD`).', schema: ERROR_SCHEMA },
    401: wrongToken,
    503: retryLater,
  },
  handle: async (request, deps) => {
    const serverId = await authenticate(deps, bearerToken(request));
    if (serverId === null) {
      throw new HttpError(401, 'UNAUTHORIZED', 'send the server token as "Authorization: Bearer <token>"');
    }
    const result = await deps.webhooks.ingest({ serverId, source, body: await request.body() });
    if (result.status === 'invalid') throw new HttpError(400, 'BAD_PAYLOAD', result.reason);
    return { status: 200, body: result };
  },
});

const serverIdParam = pathParams.id('serverId', 'The server id (`srv_…`).');

export const INGEST_ROUTES: readonly IngestRoute[] = [
  {
    method: 'POST',
    path: '/v1/logs/{serverId}/{token}',
    operationId: 'ingestLog',
    summary:
      "A body of CS2's HTTP log stream (`logaddress_add_http`); the token in the path authenticates it.",
    access: 'server',
    parameters: [
      serverIdParam,
      {
        name: 'token',
        in: 'path',
        required: true,
        description: 'The server token (`<serverId>.<secret>`), or its secret alone.',
        schema: Type.String({ minLength: 1 }),
        read: () => undefined,
      },
      header('X-Server-Instance-Token', "The CS2 server process's instance token."),
      header('X-LogBytes-BeginOffset', 'Where this body starts in the log stream.', '^\\d{1,15}$'),
      header('X-LogBytes-EndOffset', 'Where this body ends in the log stream.', '^\\d{1,15}$'),
    ],
    requestBody: Type.String(),
    requestBodyType: 'text/plain',
    responses: {
      200: accepted('The events are on the raw stream (or the body was a resend already applied).'),
      401: wrongToken,
      503: retryLater,
    },
    handle: async (request, deps) => {
      const serverId = request.params.serverId ?? '';
      const presented = request.params.token ?? '';
      // The secret alone is accepted too: the path already names the server.
      const token = presented.includes('.') ? presented : `${serverId}.${presented}`;
      const proven = await authenticate(deps, token);
      if (serverId === '' || proven !== serverId) {
        throw new HttpError(401, 'UNAUTHORIZED', 'unknown server, or a wrong or revoked token');
      }
      const result = await deps.logs.ingest({
        serverId,
        body: await request.body(),
        instance: headerValue(request, 'x-server-instance-token'),
        beginOffset: offsetHeader(request, 'x-logbytes-beginoffset'),
        endOffset: offsetHeader(request, 'x-logbytes-endoffset'),
      });
      return { status: 200, body: result };
    },
  },
  ...WEBHOOK_SOURCES.map(webhook),
];

/** Plugin-free ingest bound to its use cases: what both transports call. */
export class IngestApi {
  private readonly byKey: Map<string, IngestRoute>;

  constructor(private readonly deps: IngestApiDeps) {
    this.byKey = new Map(INGEST_ROUTES.map((route) => [`${route.method} ${route.path}`, route]));
  }

  /** The route of an API Gateway route key (`POST /v1/webhooks/get5`), if it is an ingest route. */
  route(routeKey: string): IngestRoute | undefined {
    return this.byKey.get(routeKey);
  }

  /**
   * Answers one request. A refusal is its `{error}` answer (logged as a warning); a retriable
   * failure (the database or the stream down, a concurrent write) a 503 with `Retry-After`, so the
   * game server sends the same request again; any other error is thrown for the transport to log
   * and answer with a 500.
   */
  async handle(route: IngestRoute, request: ApiRequest): Promise<ApiResponse> {
    try {
      return await route.handle(request, this.deps);
    } catch (error) {
      if (error instanceof HttpError) {
        this.deps.logger.warn('ingest request refused', {
          route: `${route.method} ${route.path}`,
          serverId: request.params.serverId,
          status: error.status,
          code: error.code,
        });
        return { status: error.status, body: errorBody(error.code, error.message) };
      }
      if (error instanceof PipelineError && error.retriable) {
        // Logged where it happened (the channel, the authentication); the sender retries.
        return { status: 503, headers: { 'retry-after': '1' }, body: errorBody(error.code, error.message) };
      }
      throw error;
    }
  }
}
