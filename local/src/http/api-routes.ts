import type { IncomingMessage } from 'node:http';
import type { PrometheusMetrics } from '@geqo/shared/adapters/metrics';
import { EVENTS_DEFAULT_LIMIT, EVENTS_MAX_LIMIT, includesEmptyMatches } from '@geqo/shared/app/queries';
import type { ServerRegistry } from '@geqo/shared/app/servers';
import type { MatchQueries } from '@geqo/shared/ports';
import type { DashboardSockets } from './dashboard-sockets.ts';
import {
  cursorParam,
  flagParam,
  idParam,
  intParam,
  optionalQuery,
  textParam,
  wordListParam,
  wordParam,
} from './params.ts';
import { HttpError, Router, readBody, sendJson } from './router.ts';
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
    request: IncomingMessage,
    server: { serverId: string; token: string },
  ) => { pluginUrl: string; logUrl: string };
  /** More route groups (log ingest, webhooks, statistics…), each adding its routes to the router. */
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

/** The REST API of DESIGN.md section 8, plus health, metrics and the Management API emulation. */
export function apiRoutes(deps: ApiDeps): Router {
  const guards = routeGuards(deps);
  const { admin, adminChange, read } = guards;
  // The Management API emulation pushes to dashboards: only this machine (the broadcaster) or the admin.
  const connections = (request: IncomingMessage) => {
    const token = deps.adminToken;
    if (fromThisMachine({ headers: request.headers, remoteAddress: request.socket.remoteAddress })) return;
    if (token && sameSecret(bearerOf(request.headers), token)) return;
    throw new HttpError(403, 'FORBIDDEN', '/@connections is for this machine (or the admin token) only');
  };
  const router = new Router();

  router.on('GET', '/healthz', async ({ response }) => {
    const health = await deps.health();
    sendJson(response, health.status === 'ok' ? 200 : 503, health);
  });
  router.on('GET', '/metrics', async ({ response }) => {
    response.writeHead(200, { 'Content-Type': deps.metrics.registry.contentType });
    response.end(await deps.metrics.text());
  });

  router.on('GET', '/v1/matches', async ({ request, response, query }) => {
    read(request);
    const limit = intParam(query, 'limit', { min: 1, max: 1_000 }) ?? 100;
    const matches = await deps.queries.listMatches({
      limit,
      status: optionalQuery(query, 'status', wordParam),
      serverId: optionalQuery(query, 'server', idParam),
      includeEmpty: includesEmptyMatches(optionalQuery(query, 'include', wordListParam)),
    });
    sendJson(response, 200, { matches });
  });
  router.on('GET', '/v1/matches/:id', async ({ request, response, params }) => {
    read(request);
    const id = idParam(params.id, 'id');
    const match = await deps.queries.getMatch(id);
    if (!match) throw new HttpError(404, 'MATCH_NOT_FOUND', `no match ${id}`);
    sendJson(response, 200, match);
  });
  router.on('GET', '/v1/matches/:id/rounds', async ({ request, response, params, query }) => {
    read(request);
    const id = idParam(params.id, 'id');
    const includeVoided = flagParam(query, 'voided');
    const match = await deps.queries.getMatch(id);
    if (!match) throw new HttpError(404, 'MATCH_NOT_FOUND', `no match ${id}`);
    const rounds = await deps.queries.listRounds(id, { includeVoided });
    sendJson(response, 200, { matchId: id, rounds });
  });
  router.on('GET', '/v1/matches/:id/events', async ({ request, response, params, query }) => {
    read(request);
    const id = idParam(params.id, 'id');
    const limit = intParam(query, 'limit', { min: 1, max: EVENTS_MAX_LIMIT }) ?? EVENTS_DEFAULT_LIMIT;
    const round = intParam(query, 'round', { min: 0, max: 1_000 });
    const page = await deps.queries.listEvents(id, {
      limit,
      round,
      type: optionalQuery(query, 'type', wordParam),
      after: cursorParam(query),
    });
    sendJson(response, 200, { matchId: id, ...page });
  });

  router.on('POST', '/v1/servers', async ({ request, response, body }) => {
    adminChange(request);
    let name: unknown;
    try {
      name = (JSON.parse((await body()).toString('utf8') || '{}') as { name?: unknown }).name;
    } catch (error) {
      if (error instanceof HttpError) throw error;
      throw new HttpError(400, 'BAD_JSON', 'the body must be JSON: {"name": "…"}');
    }
    if (typeof name !== 'string' || name.trim() === '' || name.length > 200) {
      throw new HttpError(400, 'BAD_NAME', 'name: a non-empty string of at most 200 characters');
    }
    const added = await deps.servers.add(textParam(name.trim(), 'name', 200));
    sendJson(response, 201, { ...added, ...deps.serverEndpoints?.(request, added) });
  });
  router.on('GET', '/v1/servers', async ({ request, response }) => {
    admin(request);
    const servers = await deps.servers.list();
    sendJson(response, 200, {
      servers: servers.map(({ tokenHash: _hash, ...server }) => server),
    });
  });
  router.on('DELETE', '/v1/servers/:id', async ({ request, response, params }) => {
    adminChange(request);
    const id = idParam(params.id, 'id');
    if (!(await deps.servers.revoke(id))) throw new HttpError(404, 'SERVER_NOT_FOUND', `no server ${id}`);
    sendJson(response, 200, { id, revoked: true });
  });

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
