import type { IncomingMessage } from 'node:http';
import type { PrometheusMetrics } from '@geqo/shared/adapters/metrics';
import { EVENTS_DEFAULT_LIMIT, EVENTS_MAX_LIMIT, type MatchQueries } from '@geqo/shared/app/queries';
import type { ServerRegistry } from '@geqo/shared/app/servers';
import type { DashboardSockets } from './dashboard-sockets.ts';
import { HttpError, Router, sendJson } from './router.ts';

export interface ApiDeps {
  queries: MatchQueries;
  servers: ServerRegistry;
  dashboards: DashboardSockets;
  metrics: PrometheusMetrics;
  adminToken: string | null;
  health: () => Promise<Record<string, unknown>>;
  /** Where a new server's plugin and log stream reach this instance, as the caller sees it. */
  serverEndpoints?: (
    request: IncomingMessage,
    server: { serverId: string; token: string },
  ) => { pluginUrl: string; logUrl: string };
  /** More route groups (log ingest, webhooks, statistics…), each adding its routes to the router. */
  extraRoutes?: readonly ((router: Router, admin: (request: IncomingMessage) => void) => void)[];
}

export function intParam(
  query: URLSearchParams,
  name: string,
  bounds: { min: number; max: number },
): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < bounds.min || value > bounds.max) {
    throw new HttpError(400, 'BAD_QUERY', `${name} must be an integer from ${bounds.min} to ${bounds.max}`);
  }
  return value;
}

function isLoopback(request: IncomingMessage): boolean {
  const address = request.socket.remoteAddress ?? '';
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/** The REST API of DESIGN.md section 8, plus health, metrics and the Management API emulation. */
export function apiRoutes(deps: ApiDeps): Router {
  const admin = (request: IncomingMessage) => {
    const header = request.headers.authorization ?? '';
    const allowed = deps.adminToken ? header === `Bearer ${deps.adminToken}` : isLoopback(request);
    if (!allowed) throw new HttpError(401, 'UNAUTHORIZED', 'admin routes need the admin token');
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

  router.on('GET', '/v1/matches', async ({ response, query }) => {
    const limit = intParam(query, 'limit', { min: 1, max: 1_000 }) ?? 100;
    const matches = await deps.queries.listMatches({
      limit,
      status: query.get('status') ?? undefined,
      serverId: query.get('server') ?? undefined,
    });
    sendJson(response, 200, { matches });
  });
  router.on('GET', '/v1/matches/:id', async ({ response, params }) => {
    const match = await deps.queries.getMatch(params.id!);
    if (!match) throw new HttpError(404, 'MATCH_NOT_FOUND', `no match ${params.id}`);
    sendJson(response, 200, match);
  });
  router.on('GET', '/v1/matches/:id/rounds', async ({ response, params, query }) => {
    const match = await deps.queries.getMatch(params.id!);
    if (!match) throw new HttpError(404, 'MATCH_NOT_FOUND', `no match ${params.id}`);
    const rounds = await deps.queries.listRounds(params.id!, {
      includeVoided: query.get('voided') === 'true',
    });
    sendJson(response, 200, { matchId: params.id, rounds });
  });
  router.on('GET', '/v1/matches/:id/events', async ({ response, params, query }) => {
    const limit = intParam(query, 'limit', { min: 1, max: EVENTS_MAX_LIMIT }) ?? EVENTS_DEFAULT_LIMIT;
    const round = intParam(query, 'round', { min: 0, max: 1_000 });
    const page = await deps.queries.listEvents(params.id!, {
      limit,
      round,
      type: query.get('type') ?? undefined,
      after: query.get('after') ?? undefined,
    });
    sendJson(response, 200, { matchId: params.id, ...page });
  });

  router.on('POST', '/v1/servers', async ({ request, response, body }) => {
    admin(request);
    let name: unknown;
    try {
      name = (JSON.parse((await body()).toString('utf8') || '{}') as { name?: unknown }).name;
    } catch {
      throw new HttpError(400, 'BAD_JSON', 'the body must be JSON: {"name": "…"}');
    }
    if (typeof name !== 'string' || name.trim() === '' || name.length > 200) {
      throw new HttpError(400, 'BAD_NAME', 'name: a non-empty string of at most 200 characters');
    }
    const added = await deps.servers.add(name.trim());
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
    admin(request);
    if (!(await deps.servers.revoke(params.id!)))
      throw new HttpError(404, 'SERVER_NOT_FOUND', `no server ${params.id}`);
    sendJson(response, 200, { id: params.id, revoked: true });
  });

  // The API Gateway Management API, as the real @aws-sdk/client-apigatewaymanagementapi calls it.
  router.on('POST', '/@connections/:id', async ({ response, params, body }) => {
    const outcome = await deps.dashboards.send(params.id!, (await body()).toString('utf8'));
    if (outcome === 'gone') {
      response.setHeader('x-amzn-ErrorType', 'GoneException');
      sendJson(response, 410, { message: 'GoneException' });
      return;
    }
    response.writeHead(200).end();
  });
  router.on('GET', '/@connections/:id', ({ response, params }) => {
    if (!deps.dashboards.has(params.id!)) {
      response.setHeader('x-amzn-ErrorType', 'GoneException');
      sendJson(response, 410, { message: 'GoneException' });
      return;
    }
    sendJson(response, 200, { ConnectedAt: new Date().toISOString(), Identity: { SourceIp: '127.0.0.1' } });
  });
  for (const addRoutes of deps.extraRoutes ?? []) addRoutes(router, admin);
  return router;
}
