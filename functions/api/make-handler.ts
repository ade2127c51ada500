import { EVENTS_DEFAULT_LIMIT, EVENTS_MAX_LIMIT, includesEmptyMatches } from '@geqo/shared/app/queries';
import type { ServerRegistry } from '@geqo/shared/app/servers';
import type { MatchStatsService } from '@geqo/shared/app/stats';
import { decodeCursor, type Logger, type MatchQueries } from '@geqo/shared/ports';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { FlushableMetrics } from '../lib/emf-metrics.ts';
import { withMetrics } from '../lib/observability.ts';
import { ApiError } from './api-error.ts';
import type { RouteKey } from './routes.ts';

export interface ApiDeps {
  queries: MatchQueries;
  servers: Pick<ServerRegistry, 'add' | 'list' | 'revoke'>;
  /** Match summaries and player careers (DESIGN.md section 7). */
  stats: Pick<MatchStatsService, 'summary' | 'career'>;
  logger: Logger;
  metrics: FlushableMetrics;
}

type Request = APIGatewayProxyEventV2;
type Response = APIGatewayProxyStructuredResultV2;
type RouteHandler = (request: Request) => Promise<Response>;

function json(statusCode: number, body: unknown): Response {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

function param(request: Request, name: string): string {
  const value = request.pathParameters?.[name];
  if (!value) throw new ApiError(400, 'BAD_PATH', `missing path parameter ${name}`);
  return value;
}

function intQuery(request: Request, name: string, bounds: { min: number; max: number }): number | undefined {
  const raw = request.queryStringParameters?.[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < bounds.min || value > bounds.max) {
    throw new ApiError(400, 'BAD_QUERY', `${name} must be an integer from ${bounds.min} to ${bounds.max}`);
  }
  return value;
}

function jsonBody(request: Request): Record<string, unknown> {
  const text = request.isBase64Encoded
    ? Buffer.from(request.body ?? '', 'base64').toString('utf8')
    : (request.body ?? '');
  try {
    const body: unknown = JSON.parse(text || '{}');
    if (typeof body === 'object' && body !== null && !Array.isArray(body))
      return body as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new ApiError(400, 'BAD_JSON', 'the body must be a JSON object');
}

const notAvailable =
  (message: string): RouteHandler =>
  async () => {
    throw new ApiError(501, 'NOT_IMPLEMENTED', message);
  };

/**
 * The REST API of DESIGN.md section 8 on an HTTP API (payload format 2.0). API Gateway has
 * already matched the route, so the function dispatches on `routeKey`; each route parses its
 * parameters, calls one query or use case and maps the result.
 */
export function makeHandler(deps: ApiDeps) {
  const { queries, servers, stats, logger, metrics } = deps;
  const matchOr404 = async (id: string) => {
    const match = await queries.getMatch(id);
    if (!match) throw new ApiError(404, 'MATCH_NOT_FOUND', `no match ${id}`);
    return match;
  };

  const routes: Record<RouteKey, RouteHandler> = {
    'GET /v1/matches': async (request) => {
      const limit = intQuery(request, 'limit', { min: 1, max: 1_000 }) ?? 100;
      const status = request.queryStringParameters?.status;
      const serverId = request.queryStringParameters?.server;
      const matches = await queries.listMatches({
        limit,
        ...(status ? { status } : {}),
        ...(serverId ? { serverId } : {}),
        ...(includesEmptyMatches(request.queryStringParameters?.include) ? { includeEmpty: true } : {}),
      });
      return json(200, { matches });
    },
    'GET /v1/matches/{id}': async (request) => json(200, await matchOr404(param(request, 'id'))),
    'GET /v1/matches/{id}/rounds': async (request) => {
      const id = param(request, 'id');
      await matchOr404(id);
      const includeVoided = request.queryStringParameters?.voided === 'true';
      return json(200, { matchId: id, rounds: await queries.listRounds(id, { includeVoided }) });
    },
    'GET /v1/matches/{id}/summary': async (request) => {
      const id = param(request, 'id');
      const summary = await stats.summary(id);
      if (!summary) throw new ApiError(404, 'MATCH_NOT_FOUND', `no match ${id}`);
      return json(200, summary);
    },
    'GET /v1/matches/{id}/events': async (request) => {
      const id = param(request, 'id');
      const limit = intQuery(request, 'limit', { min: 1, max: EVENTS_MAX_LIMIT }) ?? EVENTS_DEFAULT_LIMIT;
      const round = intQuery(request, 'round', { min: 0, max: 1_000 });
      const type = request.queryStringParameters?.type;
      const after = request.queryStringParameters?.after;
      if (after && !decodeCursor(after))
        throw new ApiError(400, 'BAD_CURSOR', 'after: not a cursor of this API');
      const page = await queries.listEvents(id, {
        limit,
        ...(round === undefined ? {} : { round }),
        ...(type ? { type } : {}),
        ...(after ? { after } : {}),
      });
      return json(200, { matchId: id, ...page });
    },
    'GET /v1/players/{steamId}': async (request) => {
      const steamId = param(request, 'steamId');
      const career = await stats.career(steamId);
      if (!career) throw new ApiError(404, 'PLAYER_NOT_FOUND', `no player ${steamId}`);
      return json(200, career);
    },
    'POST /v1/servers': async (request) => {
      const { name } = jsonBody(request);
      if (typeof name !== 'string' || name.trim() === '' || name.length > 200) {
        throw new ApiError(400, 'BAD_NAME', 'name: a non-empty string of at most 200 characters');
      }
      const added = await servers.add(name.trim());
      logger.info('server added', { serverId: added.serverId });
      return json(201, added);
    },
    'GET /v1/servers': async () => {
      const list = await servers.list();
      return json(200, { servers: list.map(({ tokenHash: _hash, ...server }) => server) });
    },
    'DELETE /v1/servers/{id}': async (request) => {
      const id = param(request, 'id');
      if (!(await servers.revoke(id))) throw new ApiError(404, 'SERVER_NOT_FOUND', `no server ${id}`);
      logger.info('server revoked', { serverId: id });
      return json(200, { id, revoked: true });
    },
    'GET /v1/dead-letters': notAvailable(
      'on AWS, dead letters are messages in the SQS queue raw-game-events-dlq; replay them with the dlq-replay function',
    ),
    'POST /v1/dead-letters/{id}/replay': notAvailable(
      'on AWS, dead letters are messages in the SQS queue raw-game-events-dlq; replay them with the dlq-replay function',
    ),
  };

  return (request: Request): Promise<Response> =>
    withMetrics(metrics, async () => {
      const route = routes[request.routeKey as RouteKey];
      try {
        if (!route) throw new ApiError(404, 'NOT_FOUND', `no route ${request.routeKey}`);
        const response = await route(request);
        metrics.count('api_requests', 1, { status: String(response.statusCode ?? 200) });
        return response;
      } catch (error) {
        if (error instanceof ApiError) {
          metrics.count('api_requests', 1, { status: String(error.status) });
          return json(error.status, { code: error.code, message: error.message });
        }
        // The database or a bug: logged in full here, a plain 500 for the client.
        metrics.count('api_requests', 1, { status: '500' });
        logger.error('request failed', {
          routeKey: request.routeKey,
          requestId: request.requestContext.requestId,
          error,
        });
        return json(500, { code: 'INTERNAL', message: 'the request failed; try again later' });
      }
    });
}
