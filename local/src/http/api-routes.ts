import type { IncomingMessage } from 'node:http';
import type { PrometheusMetrics } from '@geqo/shared/adapters/metrics';
import type { DeadLetterReplay } from '@geqo/shared/app/dead-letters';
import { type AccessLevel, API_ROUTES, HttpApi, idParam } from '@geqo/shared/app/http-api';
import type { ServerRegistry } from '@geqo/shared/app/servers';
import type { MatchStatsService } from '@geqo/shared/app/stats';
import type { DeadLetterStore, Logger, MatchQueries } from '@geqo/shared/ports';
import { serveApiRoute } from './api-adapter.ts';
import type { DashboardSockets } from './dashboard-sockets.ts';
import { healthRoutes } from './health-routes.ts';
import { HttpError, type Router, readBody, sendJson } from './router.ts';
import {
  adminAllows,
  bearerOf,
  crossSiteRefusal,
  fromThisMachine,
  readTokenAllows,
  sameSecret,
} from './server-auth.ts';

/** API Gateway's largest WebSocket message (PostToConnection answers 413 above it). */
export const POST_TO_CONNECTION_MAX_BYTES = 128 * 1024;

/** The access checks a route calls first; each throws the `HttpError` that answers a refusal. */
export interface RouteGuards {
  /** Admin routes: the admin token when one is set, else callers on this machine only. */
  admin: (request: IncomingMessage) => void;
  /** Admin routes that change something: `admin`, and a request no other site's page could send. */
  adminChange: (request: IncomingMessage) => void;
  /** REST reads: the read token when one is set (`GEQO_READ_TOKEN`), else open. */
  read: (request: IncomingMessage) => void;
}

export interface ApiDeps {
  queries: MatchQueries;
  servers: ServerRegistry;
  /** Match summaries and player careers; without them those routes answer 501. */
  stats?: Pick<MatchStatsService, 'summary' | 'career'>;
  /** The dead letters in PostgreSQL; without them those routes answer 501. */
  deadLetters?: { store: DeadLetterStore; replay: Pick<DeadLetterReplay, 'replay'> };
  logger?: Logger;
  dashboards: DashboardSockets;
  metrics: PrometheusMetrics;
  adminToken: string | null;
  /** When set, REST reads need it (`Authorization: Bearer …` or `?token=`). */
  readToken?: string | null;
  /** Origins (`https://ops.example.org`) whose pages may call the admin routes besides this one. */
  allowedOrigins?: readonly string[];
  health: () => Promise<Record<string, unknown>>;
  /** Where a new server's plugin and log stream reach this instance, as the caller sees it. */
  serverEndpoints?: (
    request: Pick<IncomingMessage, 'headers'>,
    server: { serverId: string; token: string },
  ) => { pluginUrl: string; logUrl: string };
  /** More route groups (plain-ingest, the dashboard), each adding its routes to the router. */
  extraRoutes?: readonly ((router: Router, guards: RouteGuards) => void)[];
}

/** The access checks of the local REST API, from its configuration. */
export function routeGuards(deps: Pick<ApiDeps, 'adminToken' | 'readToken' | 'allowedOrigins'>): RouteGuards {
  const admin = (request: IncomingMessage) => {
    const allowed = adminAllows(
      { adminToken: deps.adminToken },
      { headers: request.headers, remoteAddress: request.socket.remoteAddress },
    );
    if (!allowed) throw new HttpError(401, 'UNAUTHORIZED', 'admin routes need the admin token');
  };
  return {
    admin,
    adminChange: (request) => {
      admin(request);
      const refusal = crossSiteRefusal(
        { headers: request.headers, url: request.url },
        deps.allowedOrigins ?? [],
      );
      if (refusal) throw new HttpError(refusal.status, refusal.code, refusal.message);
    },
    read: (request) => {
      const allowed = readTokenAllows(
        { readToken: deps.readToken ?? null, adminToken: deps.adminToken },
        { headers: request.headers, url: request.url },
      );
      if (!allowed) {
        throw new HttpError(
          401,
          'UNAUTHORIZED',
          'send the read token: Authorization: Bearer <token>, or ?token=',
        );
      }
    },
  };
}

/**
 * The local HTTP port's routes: the REST API of DESIGN.md section 8 (the shared handlers of
 * `@geqo/shared/app/http-api`, with the local access rules), health, metrics and the Management API
 * emulation.
 */
export function apiRoutes(deps: ApiDeps): Router {
  const guards = routeGuards(deps);
  // The Management API emulation pushes to dashboards: only this machine (the broadcaster) or the admin.
  const connections = (request: IncomingMessage) => {
    const token = deps.adminToken;
    if (fromThisMachine({ headers: request.headers, remoteAddress: request.socket.remoteAddress })) return;
    if (token && sameSecret(bearerOf(request.headers), token)) return;
    throw new HttpError(403, 'FORBIDDEN', '/@connections is for this machine (or the admin token) only');
  };
  const router = healthRoutes(deps);

  const api = new HttpApi({
    queries: deps.queries,
    servers: deps.servers,
    stats: deps.stats,
    deadLetters: deps.deadLetters ?? { elsewhere: 'dead letters are not kept by this server' },
    logger: deps.logger,
    serverEndpoints: deps.serverEndpoints
      ? (request, server) => deps.serverEndpoints?.({ headers: request.headers }, server) ?? {}
      : undefined,
  });
  for (const route of API_ROUTES) {
    serveApiRoute(
      router,
      route,
      (request) => api.handle(route, request),
      (level, request) => authorize(guards, level, request),
    );
  }

  // The API Gateway Management API, as the real @aws-sdk/client-apigatewaymanagementapi calls it.
  router.on('POST', '/@connections/:id', async ({ request, response, params }) => {
    connections(request);
    const id = idParam(params.id, 'connectionId');
    let message: Buffer;
    try {
      message = await readBody(request, POST_TO_CONNECTION_MAX_BYTES);
    } catch (error) {
      // As strict as API Gateway, so a message that would not fit there fails here too.
      if (error instanceof HttpError && error.status === 413)
        response.setHeader('x-amzn-ErrorType', 'PayloadTooLargeException');
      throw error;
    }
    const outcome = await deps.dashboards.send(id, message.toString('utf8'));
    if (outcome === 'gone') {
      response.setHeader('x-amzn-ErrorType', 'GoneException');
      sendJson(response, 410, { message: 'GoneException' });
      return;
    }
    response.writeHead(200).end();
  });
  router.on('GET', '/@connections/:id', ({ request, response, params }) => {
    connections(request);
    if (!deps.dashboards.has(idParam(params.id, 'connectionId'))) {
      response.setHeader('x-amzn-ErrorType', 'GoneException');
      sendJson(response, 410, { message: 'GoneException' });
      return;
    }
    sendJson(response, 200, { ConnectedAt: new Date().toISOString(), Identity: { SourceIp: '127.0.0.1' } });
  });
  for (const addRoutes of deps.extraRoutes ?? []) addRoutes(router, guards);
  return router;
}

/** The local access rules for a route's access level (see {@link RouteGuards}). */
function authorize(guards: RouteGuards, level: AccessLevel, request: IncomingMessage): void {
  if (level === 'read') guards.read(request);
  else if (level === 'admin') guards.admin(request);
  else if (level === 'admin-change') guards.adminChange(request);
}
