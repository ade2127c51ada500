/**
 * The REST API of DESIGN.md section 8, written once: each route is its method and path, who may
 * call it, its parameters (checked by `params.ts`, described in the OpenAPI document) and a
 * handler that calls one query or use case and maps the result. The local HTTP server and the
 * Lambda behind API Gateway are adapters: they turn their request into an {@link ApiRequest},
 * call {@link HttpApi.handle} and write the {@link ApiResponse} back.
 */
import { type TSchema, Type } from '@sinclair/typebox';
import type { DeadLetterStore, Logger, MatchQueries, StoredDeadLetter } from '../../ports/index.ts';
import type { DeadLetterReplay } from '../dead-letters/index.ts';
import { EVENTS_DEFAULT_LIMIT, EVENTS_MAX_LIMIT, includesEmptyMatches } from '../queries/index.ts';
import type { ServerRegistry } from '../servers/index.ts';
import type { MatchStatsService } from '../stats/index.ts';
import type { AccessLevel, ApiRequest, ApiResponse } from './api-request.ts';
import { ERROR_SCHEMA, errorBody, HttpError } from './http-error.ts';
import { INGEST_ROUTES } from './ingest-routes.ts';
import { openApiDocument } from './openapi.ts';
import { type ParamSpec, pathParams as path, queryParams as query, textParam } from './params.ts';

export interface HttpApiDeps {
  queries: MatchQueries;
  servers: Pick<ServerRegistry, 'add' | 'list' | 'revoke'>;
  /** Match summaries and player careers (DESIGN.md section 7); without it those routes are a 501. */
  stats?: Pick<MatchStatsService, 'summary' | 'career'> | undefined;
  /**
   * The dead letters, where this runtime keeps them (`geqo up`: PostgreSQL); or where they are
   * instead, said in the 501 their routes answer (AWS: an SQS queue and the dlq-replay function).
   */
  deadLetters: { store: DeadLetterStore; replay: Pick<DeadLetterReplay, 'replay'> } | { elsewhere: string };
  logger?: Logger | undefined;
  /** Where a new server's plugin and log stream reach this instance, as the caller sees it. */
  serverEndpoints?:
    | ((request: ApiRequest, server: { serverId: string; token: string }) => object)
    | undefined;
}

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface ApiResponseSpec {
  description: string;
  schema?: TSchema;
  /** OpenAPI links: which operation can take a value of this answer (`$response.body#/…`). */
  links?: Readonly<Record<string, { operationId: string; parameters: Readonly<Record<string, string>> }>>;
}

/** Links from an answer that holds a match id to the routes that take one. */
const matchLinks = (pointer: string): ApiResponseSpec['links'] => ({
  match: { operationId: 'getMatch', parameters: { id: pointer } },
  rounds: { operationId: 'listRounds', parameters: { id: pointer } },
  summary: { operationId: 'getMatchSummary', parameters: { id: pointer } },
  events: { operationId: 'listEvents', parameters: { id: pointer } },
});

/** What the OpenAPI document says of a route. */
export interface ApiOperation {
  method: HttpMethod;
  /** OpenAPI and API Gateway path syntax: `{name}` for a path parameter. */
  path: string;
  operationId: string;
  summary: string;
  /** Who may call it; `server` routes are authenticated by a game server's token. */
  access: AccessLevel | 'server';
  parameters: readonly ParamSpec<unknown>[];
  /** The body it reads, if any (JSON unless `requestBodyType` says otherwise). */
  requestBody?: TSchema;
  requestBodyType?: 'application/json' | 'text/plain';
  /** Its answers besides the refusals every route may give (400, 401, 403, 413, 500). */
  responses: Readonly<Record<number, ApiResponseSpec>>;
}

/** A route of the REST API: its operation, and the handler both transports call. */
export interface ApiRoute extends ApiOperation {
  access: AccessLevel;
  /** Throws the 501 that says where this route's data is when this runtime does not serve it. */
  served?: (deps: HttpApiDeps) => void;
  handle: (request: ApiRequest, deps: HttpApiDeps) => Promise<ApiResponse>;
}

/** `GET /v1/matches/{id}`: the route key API Gateway puts in the event. */
export const routeKeyOf = (route: Pick<ApiRoute, 'method' | 'path'>): string =>
  `${route.method} ${route.path}`;

const ok = (body: unknown): ApiResponse => ({ status: 200, body });
const anyObject = (description?: string) =>
  Type.Object({}, { additionalProperties: true, ...(description ? { description } : {}) });
const notFound = (description: string): ApiResponseSpec => ({ description, schema: ERROR_SCHEMA });

const matchId = path.id('id', 'A match id (`m_…`).');
const matchLimit = query.limit({ min: 1, max: 1_000, default: 100 });
const statusFilter = query.word('status', 'Only matches in this status (`live`, `finished`, …).');
const serverFilter = query.id('server', 'Only matches of this server id.');
const include = query.words('include', '`empty`: list matches without any round too.');
const voided = query.flag('voided', 'Include voided rounds (replayed after a backup restore).');
const eventLimit = query.limit({ min: 1, max: EVENTS_MAX_LIMIT, default: EVENTS_DEFAULT_LIMIT });
const round = query.int('round', 'Only the events of this round.', { min: 0, max: 1_000 });
const eventType = query.word('type', 'Only events of this type (`player_death`, …).');
const after = query.cursor('after', 'The `next` cursor of the previous page.');
const steamId = path.steamId('steamId', 'A SteamID64, or `BOT:<name>`.');
const serverId = path.id('id', 'A server id (`srv_…`).');
const deadLetterLimit = query.limit({ min: 1, max: 1_000, default: 100 });
const before = query.int('before', 'Only dead letters with a smaller id (the next page).', {
  min: 1,
  max: Number.MAX_SAFE_INTEGER,
});
const pending = query.flag('pending', 'Only dead letters not replayed yet.');
const deadLetterId = path.positiveId('id', 'A dead letter id.');
const force = query.flag('force', 'Replay even if it was replayed already.');

async function matchOr404(deps: HttpApiDeps, id: string) {
  const match = await deps.queries.getMatch(id);
  if (!match) throw new HttpError(404, 'MATCH_NOT_FOUND', `no match ${id}`);
  return match;
}

function statsOf(deps: HttpApiDeps): Pick<MatchStatsService, 'summary' | 'career'> {
  if (!deps.stats) throw new HttpError(501, 'NOT_IMPLEMENTED', 'statistics are not served here');
  return deps.stats;
}

function deadLettersOf(deps: HttpApiDeps) {
  if ('elsewhere' in deps.deadLetters)
    throw new HttpError(501, 'NOT_IMPLEMENTED', deps.deadLetters.elsewhere);
  return deps.deadLetters;
}

/** A JSON object body, else a 400 `BAD_JSON`. */
async function jsonObjectBody(request: ApiRequest, example: string): Promise<Record<string, unknown>> {
  const text = Buffer.from(await request.body()).toString('utf8');
  try {
    const body: unknown = JSON.parse(text || '{}');
    if (typeof body === 'object' && body !== null && !Array.isArray(body))
      return body as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new HttpError(400, 'BAD_JSON', `the body must be a JSON object: ${example}`);
}

/** A dead letter as JSON: the payload in base64, so it can be inspected and kept. */
export function deadLetterJson(letter: StoredDeadLetter) {
  return {
    id: letter.id,
    stream: letter.stream,
    shard: letter.shard,
    position: letter.position,
    serverId: letter.partitionKey,
    code: letter.code,
    reason: letter.reason,
    failedAt: new Date(letter.failedAt).toISOString(),
    replayedAt: letter.replayedAt === null ? null : new Date(letter.replayedAt).toISOString(),
    payloadBytes: letter.payload.length,
    payloadBase64: Buffer.from(letter.payload).toString('base64'),
  };
}

const matchNotFound = notFound('No such match (`MATCH_NOT_FOUND`).');

/** Every route of the REST API, in the order of DESIGN.md section 8 (the document lists them so). */
export const API_ROUTES: readonly ApiRoute[] = [
  {
    method: 'GET',
    path: '/v1/openapi.json',
    operationId: 'getOpenApiDocument',
    summary: 'This document.',
    access: 'public',
    parameters: [],
    responses: { 200: { description: 'The OpenAPI 3.1 document of this API.', schema: anyObject() } },
    handle: async () => ok(openApiDocument([...API_ROUTES, ...INGEST_ROUTES], ERROR_SCHEMA)),
  },
  {
    method: 'GET',
    path: '/v1/matches',
    operationId: 'listMatches',
    summary: 'Matches, newest first.',
    access: 'read',
    parameters: [matchLimit, statusFilter, serverFilter, include],
    responses: {
      200: {
        description: 'The matches.',
        schema: Type.Object({ matches: Type.Array(anyObject()) }),
        links: matchLinks('$response.body#/matches/0/id'),
      },
    },
    handle: async (request, { queries }) => {
      const includeEmpty = includesEmptyMatches(include.read(request));
      const matches = await queries.listMatches({
        limit: matchLimit.read(request),
        status: statusFilter.read(request),
        serverId: serverFilter.read(request),
        ...(includeEmpty ? { includeEmpty } : {}),
      });
      return ok({ matches });
    },
  },
  {
    method: 'GET',
    path: '/v1/matches/{id}',
    operationId: 'getMatch',
    summary: 'One match: teams, score, status, gaps.',
    access: 'read',
    parameters: [matchId],
    responses: { 200: { description: 'The match.', schema: anyObject() }, 404: matchNotFound },
    handle: async (request, deps) => ok(await matchOr404(deps, matchId.read(request))),
  },
  {
    method: 'GET',
    path: '/v1/matches/{id}/rounds',
    operationId: 'listRounds',
    summary: "A match's rounds.",
    access: 'read',
    parameters: [matchId, voided],
    responses: {
      200: {
        description: 'The rounds.',
        schema: Type.Object({ matchId: Type.String(), rounds: Type.Array(anyObject()) }),
      },
      404: matchNotFound,
    },
    handle: async (request, deps) => {
      const id = matchId.read(request);
      const includeVoided = voided.read(request);
      await matchOr404(deps, id);
      return ok({ matchId: id, rounds: await deps.queries.listRounds(id, { includeVoided }) });
    },
  },
  {
    method: 'GET',
    path: '/v1/matches/{id}/summary',
    operationId: 'getMatchSummary',
    summary: 'The MatchSummary (DESIGN.md section 8): teams, rounds, player statistics.',
    access: 'read',
    served: statsOf,
    parameters: [matchId],
    responses: {
      200: {
        description: 'The summary.',
        schema: anyObject(),
        links: {
          player: { operationId: 'getPlayer', parameters: { steamId: '$response.body#/players/0/steamId' } },
        },
      },
      404: matchNotFound,
    },
    handle: async (request, deps) => {
      const id = matchId.read(request);
      const summary = await statsOf(deps).summary(id);
      if (summary === null) throw new HttpError(404, 'MATCH_NOT_FOUND', `no match ${id}`);
      return ok(summary);
    },
  },
  {
    method: 'GET',
    path: '/v1/matches/{id}/events',
    operationId: 'listEvents',
    summary: "A match's events in time order, a page at a time.",
    access: 'read',
    parameters: [matchId, eventLimit, round, eventType, after],
    responses: {
      200: {
        description: 'A page of events; `next` is the cursor of the following page, or null.',
        links: {
          nextPage: {
            operationId: 'listEvents',
            parameters: { id: '$request.path.id', after: '$response.body#/next' },
          },
        },
        schema: Type.Object({
          matchId: Type.String(),
          events: Type.Array(anyObject()),
          next: Type.Union([Type.String(), Type.Null()]),
        }),
      },
    },
    handle: async (request, { queries }) => {
      const id = matchId.read(request);
      const page = await queries.listEvents(id, {
        limit: eventLimit.read(request),
        round: round.read(request),
        type: eventType.read(request),
        after: after.read(request),
      });
      return ok({ matchId: id, ...page });
    },
  },
  {
    method: 'GET',
    path: '/v1/players/{steamId}',
    operationId: 'getPlayer',
    summary: "A player's career: totals, recent matches, maps.",
    access: 'read',
    served: statsOf,
    parameters: [steamId],
    responses: {
      200: { description: 'The career.', schema: anyObject() },
      404: notFound('No such player (`PLAYER_NOT_FOUND`).'),
    },
    handle: async (request, deps) => {
      const id = steamId.read(request);
      const career = await statsOf(deps).career(id);
      if (career === null) throw new HttpError(404, 'PLAYER_NOT_FOUND', `no player ${id}`);
      return ok(career);
    },
  },
  {
    method: 'POST',
    path: '/v1/servers',
    operationId: 'addServer',
    summary: 'Adds a game server; its token is in this answer only.',
    access: 'admin-change',
    parameters: [],
    requestBody: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) }),
    responses: {
      201: {
        description: 'The server, its token, and where its plugin and log stream reach this instance.',
        schema: Type.Object(
          { serverId: Type.String(), name: Type.String(), token: Type.String() },
          { additionalProperties: true },
        ),
        links: {
          revoke: { operationId: 'revokeServer', parameters: { id: '$response.body#/serverId' } },
          log: {
            operationId: 'ingestLog',
            parameters: { serverId: '$response.body#/serverId', token: '$response.body#/token' },
          },
        },
      },
    },
    handle: async (request, deps) => {
      const { name } = await jsonObjectBody(request, '{"name": "…"}');
      if (typeof name !== 'string' || name.trim() === '' || name.length > 200) {
        throw new HttpError(400, 'BAD_NAME', 'name: a non-empty string of at most 200 characters');
      }
      const added = await deps.servers.add(textParam(name.trim(), 'name', 200));
      deps.logger?.info('server added', { serverId: added.serverId });
      return { status: 201, body: { ...added, ...deps.serverEndpoints?.(request, added) } };
    },
  },
  {
    method: 'GET',
    path: '/v1/servers',
    operationId: 'listServers',
    summary: 'The game servers, revoked ones included (never their tokens).',
    access: 'admin',
    parameters: [],
    responses: {
      200: { description: 'The servers.', schema: Type.Object({ servers: Type.Array(anyObject()) }) },
    },
    handle: async (_request, { servers }) => {
      const list = await servers.list();
      return ok({ servers: list.map(({ tokenHash: _hash, ...server }) => server) });
    },
  },
  {
    method: 'DELETE',
    path: '/v1/servers/{id}',
    operationId: 'revokeServer',
    summary: "Revokes a server's token.",
    access: 'admin-change',
    parameters: [serverId],
    responses: {
      200: {
        description: 'Revoked.',
        schema: Type.Object({ id: Type.String(), revoked: Type.Literal(true) }),
      },
      404: notFound('No such server (`SERVER_NOT_FOUND`).'),
    },
    handle: async (request, deps) => {
      const id = serverId.read(request);
      if (!(await deps.servers.revoke(id))) throw new HttpError(404, 'SERVER_NOT_FOUND', `no server ${id}`);
      deps.logger?.info('server revoked', { serverId: id });
      return ok({ id, revoked: true });
    },
  },
  {
    method: 'GET',
    path: '/v1/dead-letters',
    operationId: 'listDeadLetters',
    summary: 'Records the worker could not apply, newest first, with their payload.',
    access: 'admin',
    served: deadLettersOf,
    parameters: [deadLetterLimit, before, pending],
    responses: {
      200: {
        description: 'The dead letters.',
        schema: Type.Object({ deadLetters: Type.Array(anyObject()) }),
      },
      501: {
        description: 'Not kept by this runtime (AWS: the SQS dead-letter queue).',
        schema: ERROR_SCHEMA,
      },
    },
    handle: async (request, deps) => {
      const { store } = deadLettersOf(deps);
      const letters = await store.list({
        limit: deadLetterLimit.read(request),
        before: before.read(request),
        pending: pending.read(request),
      });
      return ok({ deadLetters: letters.map(deadLetterJson) });
    },
  },
  {
    method: 'POST',
    path: '/v1/dead-letters/{id}/replay',
    operationId: 'replayDeadLetter',
    summary: "Puts a dead letter's payload back on the stream it came from.",
    access: 'admin-change',
    served: deadLettersOf,
    parameters: [deadLetterId, force],
    responses: {
      200: { description: 'Replayed.', schema: anyObject() },
      404: notFound('No such dead letter.'),
      409: { description: 'Replayed already (`?force=true` replays again).', schema: ERROR_SCHEMA },
      501: {
        description: 'Not kept by this runtime (AWS: the SQS dead-letter queue).',
        schema: ERROR_SCHEMA,
      },
    },
    handle: async (request, deps) => {
      const { replay } = deadLettersOf(deps);
      const id = deadLetterId.read(request);
      const outcome = await replay.replay(id, { force: force.read(request) });
      if (!outcome.ok && outcome.reason === 'not_found')
        throw new HttpError(404, 'NOT_FOUND', `no dead letter ${id}`);
      if (!outcome.ok)
        throw new HttpError(
          409,
          'ALREADY_REPLAYED',
          `dead letter ${id} was replayed already (?force=true to replay again)`,
        );
      return ok(outcome);
    },
  },
];

/** The REST API bound to its dependencies: what both transports call. */
export class HttpApi {
  private readonly byKey: Map<string, ApiRoute>;

  constructor(
    private readonly deps: HttpApiDeps,
    readonly routes: readonly ApiRoute[] = API_ROUTES,
  ) {
    this.byKey = new Map(routes.map((route) => [routeKeyOf(route), route]));
  }

  /** The route of an API Gateway route key (`GET /v1/matches/{id}`), if this API has it. */
  route(routeKey: string): ApiRoute | undefined {
    return this.byKey.get(routeKey);
  }

  /**
   * Answers one request: the access check, every declared parameter checked, then the handler. A
   * refusal (`HttpError`) is its answer; any other error (the database, a bug) is thrown for the
   * transport to log and answer with {@link INTERNAL_ERROR}.
   */
  async handle(route: ApiRoute, request: ApiRequest): Promise<ApiResponse> {
    try {
      request.authorize(route.access);
      route.served?.(this.deps);
      for (const parameter of route.parameters) parameter.read(request);
      return await route.handle(request, this.deps);
    } catch (error) {
      if (error instanceof HttpError)
        return { status: error.status, body: errorBody(error.code, error.message) };
      throw error;
    }
  }
}
