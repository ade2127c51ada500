/**
 * One table of REST API cases, answered by both transports on the same PostgreSQL: the local HTTP
 * server of `geqo up` (real HTTP on loopback) and the API Lambda (invoked with API Gateway HTTP API
 * payload 2.0 events). Each case names a route, its parameters and the status (and error code) it
 * must answer; both transports must answer it, and with the same body where the body is not
 * per-request (a new server's token). Where the transports differ by design, the case says so:
 * dead letters live in PostgreSQL locally and in an SQS queue on AWS (a 501 that says where).
 * Plugin-free ingest (the CS2 log stream, webhooks) is in the table too: on AWS it is the
 * plain-ingest function, on `geqo up` the same HTTP port.
 */
import { fileURLToPath } from 'node:url';
import { MemoryStream } from '@geqo/shared/adapters/memory';
import {
  createPool,
  migrate,
  PostgresDeadLetterStore,
  PostgresEventStore,
  PostgresIngestChannelStore,
  PostgresMatchQueries,
  PostgresMatchStatsStore,
  PostgresServerRepository,
  PostgresStatsQueries,
} from '@geqo/shared/adapters/postgres';
import { readEventLines } from '@geqo/shared/app/analyze';
import { DeadLetterReplay } from '@geqo/shared/app/dead-letters';
import { API_ROUTES, INGEST_ROUTES, routeKeyOf } from '@geqo/shared/app/http-api';
import { IngestChannels, LogIngestor, WebhookIngestor } from '@geqo/shared/app/log-ingest';
import { ServerRegistry } from '@geqo/shared/app/servers';
import { MatchAggregator, MatchStatsService } from '@geqo/shared/app/stats';
import { GameEventWorker, matchEngineDriver } from '@geqo/shared/app/worker';
import { encodeFrame } from '@geqo/shared/domain/codec';
import type { AnyEvent } from '@geqo/shared/domain/events';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler as makeApiHandler } from '../../functions/api/make-handler.ts';
import { API_ROUTES as CDK_ROUTES, routeKeyOf as cdkRouteKeyOf } from '../../functions/api/routes.ts';
import { makeHandler as makePlainIngestHandler } from '../../functions/plain-ingest/make-handler.ts';
import { RecordingDeadLetterSink, RecordingLogger, RecordingMetrics } from '../../functions/test/doubles.ts';
import { httpApiEvent, kinesisEvent, sequenceNumber } from '../../functions/test/factories.ts';
import { makeHandler as makeWorkerHandler } from '../../functions/worker/make-handler.ts';
import { plainIngestRoutes } from '../../local/src/http/plain-ingest-routes.ts';
import { silentLogger } from '../../shared/adapters/logging/index.ts';
import { PrometheusMetrics } from '../../shared/adapters/metrics/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { startTestHttpServer, type TestHttpServer } from '../helpers/http-server.ts';

const NUKE = fileURLToPath(
  new URL(
    '../../../shared/fixtures/matches/2026-02-09_de_nuke_FURIA_2-13_Team_Vitality.jsonl',
    import.meta.url,
  ),
);
const SERVER_ID = 'srv_contract0001';
const UNKNOWN_STEAM_ID = '76561190000000000';

/** What a transport answered: its status and its JSON body. */
interface Answer {
  status: number;
  body: unknown;
}

/** A request as the table states it: the route, its path parameters (raw), its query, a body. */
interface ApiCall {
  route: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: string;
  /** `text/plain` for a CS2 log body; JSON otherwise. */
  contentType?: string;
  headers?: Record<string, string>;
}

type Expected = { status: number; code?: string; check?: (body: never) => void };

interface ContractCase extends ApiCall {
  name: string;
  /** One expectation for both transports, or one each where they differ by design. */
  expect: Expected | { local: Expected; lambda: Expected };
  /** Whether both bodies must be equal (not for answers that differ per request). */
  sameBody?: boolean;
}

/** Filled in `beforeAll`: the stored match and a player of it, and a game server's token. */
const known = { matchId: '', steamId: '', serverId: '', token: '' };
const LOG_LINE = 'L 02/09/2026 - 18:00:00: World triggered "Round_Start"\n';
const id = () => known.matchId;

const CASES: (() => ContractCase)[] = [
  () => ({
    name: 'serves the OpenAPI document',
    route: 'GET /v1/openapi.json',
    expect: { status: 200, check: (body: { openapi: string }) => expect(body.openapi).toMatch(/^3\./) },
  }),
  () => ({
    name: 'lists matches',
    route: 'GET /v1/matches',
    expect: {
      status: 200,
      check: (body: { matches: { id: string }[] }) => expect(body.matches.map((m) => m.id)).toContain(id()),
    },
  }),
  () => ({
    name: 'lists matches with empty ones',
    route: 'GET /v1/matches',
    query: { include: 'empty' },
    expect: { status: 200 },
  }),
  () => ({
    name: 'filters matches by status and server',
    route: 'GET /v1/matches',
    query: { status: 'finished', server: SERVER_ID, limit: '5' },
    expect: { status: 200 },
  }),
  () => ({
    name: 'refuses a limit of 0',
    route: 'GET /v1/matches',
    query: { limit: '0' },
    expect: { status: 400, code: 'BAD_QUERY' },
  }),
  () => ({
    name: 'refuses a limit that is no number',
    route: 'GET /v1/matches',
    query: { limit: '1e3' },
    expect: { status: 400, code: 'BAD_QUERY' },
  }),
  () => ({
    name: 'refuses a status with a space',
    route: 'GET /v1/matches',
    query: { status: 'li ve' },
    expect: { status: 400, code: 'BAD_PARAMETER' },
  }),
  () => ({
    name: 'refuses a server filter with a NUL',
    route: 'GET /v1/matches',
    query: { server: 'srv\u0000x' },
    expect: { status: 400, code: 'BAD_PARAMETER' },
  }),
  () => ({
    name: 'serves a match',
    route: 'GET /v1/matches/{id}',
    params: { id: id() },
    expect: {
      status: 200,
      check: (body: { id: string; map: string }) => expect(body).toMatchObject({ id: id(), map: 'de_nuke' }),
    },
  }),
  () => ({
    name: 'answers 404 for an unknown match',
    route: 'GET /v1/matches/{id}',
    params: { id: 'm_nope' },
    expect: { status: 404, code: 'MATCH_NOT_FOUND' },
  }),
  () => ({
    name: 'refuses a match id with a space',
    route: 'GET /v1/matches/{id}',
    params: { id: 'm nope' },
    expect: { status: 400, code: 'BAD_PARAMETER' },
  }),
  // The Lambda handed path and filter values to PostgreSQL unchecked, which refuses a NUL: a 500.
  () => ({
    name: 'refuses a match id with a NUL',
    route: 'GET /v1/matches/{id}',
    params: { id: 'm_\u0000' },
    expect: { status: 400, code: 'BAD_PARAMETER' },
  }),
  () => ({
    name: 'refuses a status filter with a NUL',
    route: 'GET /v1/matches',
    query: { status: 'live\u0000' },
    expect: { status: 400, code: 'BAD_PARAMETER' },
  }),
  () => ({
    name: 'refuses an event type with a NUL',
    route: 'GET /v1/matches/{id}/events',
    params: { id: 'm_nope' },
    query: { type: 'kill\u0000' },
    expect: { status: 400, code: 'BAD_PARAMETER' },
  }),
  () => ({
    name: 'refuses a match id of 129 characters',
    route: 'GET /v1/matches/{id}',
    params: { id: 'm'.repeat(129) },
    expect: { status: 400, code: 'BAD_PARAMETER' },
  }),
  () => ({
    name: "serves a match's rounds",
    route: 'GET /v1/matches/{id}/rounds',
    params: { id: id() },
    query: { voided: 'true' },
    expect: {
      status: 200,
      check: (body: { rounds: unknown[] }) => expect(body.rounds.length).toBeGreaterThan(10),
    },
  }),
  () => ({
    name: 'refuses voided=maybe',
    route: 'GET /v1/matches/{id}/rounds',
    params: { id: id() },
    query: { voided: 'maybe' },
    expect: { status: 400, code: 'BAD_PARAMETER' },
  }),
  () => ({
    name: 'answers 404 for the rounds of an unknown match',
    route: 'GET /v1/matches/{id}/rounds',
    params: { id: 'm_nope' },
    expect: { status: 404, code: 'MATCH_NOT_FOUND' },
  }),
  () => ({
    name: 'pages events with a cursor',
    route: 'GET /v1/matches/{id}/events',
    params: { id: id() },
    query: { limit: '3' },
    expect: {
      status: 200,
      check: (body: { events: unknown[]; next: string | null }) => {
        expect(body.events).toHaveLength(3);
        expect(body.next).toEqual(expect.any(String));
      },
    },
  }),
  () => ({
    name: 'filters events by type and round',
    route: 'GET /v1/matches/{id}/events',
    params: { id: id() },
    query: { type: 'player_death', round: '3' },
    expect: {
      status: 200,
      check: (body: { events: { type: string }[] }) => {
        expect(body.events.length).toBeGreaterThan(0);
        expect(new Set(body.events.map((event) => event.type))).toEqual(new Set(['player_death']));
      },
    },
  }),
  () => ({
    name: 'answers an empty page for the events of an unknown match',
    route: 'GET /v1/matches/{id}/events',
    params: { id: 'm_nope' },
    expect: {
      status: 200,
      check: (body: { events: unknown[]; next: null }) =>
        expect(body).toMatchObject({ events: [], next: null }),
    },
  }),
  () => ({
    name: 'refuses a forged cursor',
    route: 'GET /v1/matches/{id}/events',
    params: { id: id() },
    query: { after: 'bm90IGEgY3Vyc29y' },
    expect: { status: 400, code: 'BAD_CURSOR' },
  }),
  () => ({
    name: 'refuses an event limit over 100,000',
    route: 'GET /v1/matches/{id}/events',
    params: { id: id() },
    query: { limit: '100001' },
    expect: { status: 400, code: 'BAD_QUERY' },
  }),
  () => ({
    name: 'refuses a round that is no number',
    route: 'GET /v1/matches/{id}/events',
    params: { id: id() },
    query: { round: 'two' },
    expect: { status: 400, code: 'BAD_QUERY' },
  }),
  () => ({
    name: 'refuses an event type with a dash',
    route: 'GET /v1/matches/{id}/events',
    params: { id: id() },
    query: { type: 'player-death' },
    expect: { status: 400, code: 'BAD_PARAMETER' },
  }),
  () => ({
    name: "serves a match's summary",
    route: 'GET /v1/matches/{id}/summary',
    params: { id: id() },
    expect: {
      status: 200,
      check: (body: { map: string; players: unknown[] }) => expect(body.players.length).toBeGreaterThan(0),
    },
  }),
  () => ({
    name: 'answers 404 for the summary of an unknown match',
    route: 'GET /v1/matches/{id}/summary',
    params: { id: 'm_nope' },
    expect: { status: 404, code: 'MATCH_NOT_FOUND' },
  }),
  () => ({
    name: "serves a player's career",
    route: 'GET /v1/players/{steamId}',
    params: { steamId: known.steamId },
    expect: { status: 200, check: (body: { steamId: string }) => expect(body.steamId).toBe(known.steamId) },
  }),
  () => ({
    name: 'answers 404 for an unknown player',
    route: 'GET /v1/players/{steamId}',
    params: { steamId: UNKNOWN_STEAM_ID },
    expect: { status: 404, code: 'PLAYER_NOT_FOUND' },
  }),
  () => ({
    name: 'refuses a steam id that is neither digits nor BOT:',
    route: 'GET /v1/players/{steamId}',
    params: { steamId: 'steam_1' },
    expect: { status: 400, code: 'BAD_PARAMETER' },
  }),
  () => ({
    name: 'adds a server and shows its token once',
    route: 'POST /v1/servers',
    body: '{"name":"Contract LAN"}',
    sameBody: false,
    expect: {
      status: 201,
      check: (body: { serverId: string; token: string }) =>
        expect(body.token.startsWith(`${body.serverId}.`)).toBe(true),
    },
  }),
  () => ({
    name: 'refuses a server body that is JSON null',
    route: 'POST /v1/servers',
    body: 'null',
    expect: { status: 400, code: 'BAD_JSON' },
  }),
  () => ({
    name: 'refuses a server body that is no JSON',
    route: 'POST /v1/servers',
    body: '{name',
    expect: { status: 400, code: 'BAD_JSON' },
  }),
  () => ({
    name: 'refuses a blank server name',
    route: 'POST /v1/servers',
    body: '{"name":"  "}',
    expect: { status: 400, code: 'BAD_NAME' },
  }),
  () => ({
    name: 'refuses a server name with a control character',
    route: 'POST /v1/servers',
    body: '{"name":"a\\u0007b"}',
    expect: { status: 400, code: 'BAD_PARAMETER' },
  }),
  () => ({
    name: 'lists servers without their token hashes',
    route: 'GET /v1/servers',
    sameBody: false,
    expect: {
      status: 200,
      check: (body: { servers: object[] }) => expect(JSON.stringify(body)).not.toContain('tokenHash'),
    },
  }),
  () => ({
    name: 'answers 404 to revoking an unknown server',
    route: 'DELETE /v1/servers/{id}',
    params: { id: 'srv_unknown' },
    expect: { status: 404, code: 'SERVER_NOT_FOUND' },
  }),
  () => ({
    name: 'lists dead letters here, and says where they are on AWS',
    route: 'GET /v1/dead-letters',
    expect: { local: { status: 200 }, lambda: { status: 501, code: 'NOT_IMPLEMENTED' } },
  }),
  () => ({
    name: 'refuses a dead-letter limit of 0 here',
    route: 'GET /v1/dead-letters',
    query: { limit: '0' },
    expect: { local: { status: 400, code: 'BAD_QUERY' }, lambda: { status: 501, code: 'NOT_IMPLEMENTED' } },
  }),
  () => ({
    name: 'answers 404 to replaying an unknown dead letter here',
    route: 'POST /v1/dead-letters/{id}/replay',
    params: { id: '999999' },
    expect: { local: { status: 404, code: 'NOT_FOUND' }, lambda: { status: 501, code: 'NOT_IMPLEMENTED' } },
  }),
  () => ({
    name: 'takes a CS2 log body with the server token in the path',
    route: 'POST /v1/logs/{serverId}/{token}',
    params: { serverId: known.serverId, token: known.token },
    body: LOG_LINE,
    contentType: 'text/plain',
    sameBody: false,
    expect: { status: 200 },
  }),
  () => ({
    name: 'refuses a CS2 log body with a wrong token',
    route: 'POST /v1/logs/{serverId}/{token}',
    params: { serverId: known.serverId, token: `${known.serverId}.wrong` },
    body: LOG_LINE,
    contentType: 'text/plain',
    expect: { status: 401, code: 'UNAUTHORIZED' },
  }),
  () => ({
    name: 'refuses a webhook without a server token',
    route: 'POST /v1/webhooks/matchzy',
    body: '{"event":"series_start"}',
    expect: { status: 401, code: 'UNAUTHORIZED' },
  }),
  () => ({
    name: 'refuses a webhook body that is no JSON',
    route: 'POST /v1/webhooks/get5',
    body: '{event',
    headers: { authorization: `Bearer ${known.token}` },
    expect: { status: 400, code: 'BAD_PAYLOAD' },
  }),
];

async function readEvents(path: string): Promise<AnyEvent[]> {
  const events: AnyEvent[] = [];
  for await (const { event } of readEventLines(path)) events.push(event);
  return events;
}

/** Local: the path with its parameters percent-encoded, the query, a JSON body as a CLI sends it. */
async function callLocal(port: number, call: ApiCall): Promise<Answer> {
  const [method = 'GET', template = '/'] = call.route.split(' ');
  const path = template.replace(/\{(\w+)\}/g, (_m, name: string) =>
    encodeURIComponent(call.params?.[name] ?? ''),
  );
  const search = new URLSearchParams(call.query ?? {}).toString();
  // As the CLI sends them: a JSON body, and `X-Geqo-Admin: 1` (no page on another site can send it).
  const headers = {
    'x-geqo-admin': '1',
    ...(call.body === undefined ? {} : { 'content-type': call.contentType ?? 'application/json' }),
    ...call.headers,
  };
  const response = await fetch(`http://127.0.0.1:${port}${path}${search ? `?${search}` : ''}`, {
    method,
    headers,
    ...(call.body === undefined ? {} : { body: call.body }),
  });
  return { status: response.status, body: await response.json() };
}

/** Lambda: the event API Gateway sends for the route. */
async function callLambda(
  handler: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>,
  call: ApiCall,
): Promise<Answer> {
  const response = await handler(
    httpApiEvent(call.route, {
      ...(call.params ? { pathParameters: call.params } : {}),
      ...(call.query ? { query: call.query } : {}),
      ...(call.body === undefined ? {} : { body: call.body }),
      headers: {
        ...(call.body === undefined ? {} : { 'content-type': call.contentType ?? 'application/json' }),
        ...call.headers,
      },
    }),
  );
  return { status: response.statusCode ?? 200, body: JSON.parse(response.body ?? 'null') };
}

function assess(answer: Answer, expected: Expected, transport: string): void {
  const code = (answer.body as { error?: { code?: string } } | null)?.error?.code;
  expect({ transport, status: answer.status, code }).toEqual({
    transport,
    status: expected.status,
    code: expected.code,
  });
  expected.check?.(answer.body as never);
}

describe('the REST API contract, on both transports', () => {
  let database: TestDatabase;
  let pool: ReturnType<typeof createPool>;
  let local: TestHttpServer;
  let lambda: ReturnType<typeof makeApiHandler>;
  let plainIngest: ReturnType<typeof makePlainIngestHandler>;
  /** The function API Gateway sends a route to: the REST API, or plain-ingest. */
  const lambdaFor = (route: string) =>
    INGEST_ROUTES.some((ingest) => routeKeyOf(ingest) === route)
      ? (event: APIGatewayProxyEventV2) => plainIngest(event)
      : lambda;

  beforeAll(async () => {
    database = await createTestDatabase('geqo_api_contract');
    pool = createPool(database.url, { max: 4 });
    await migrate(pool);
    // One recorded match through the worker, as the pipeline stores it.
    const logger = new RecordingLogger();
    const metrics = new RecordingMetrics();
    const worker = makeWorkerHandler({
      worker: new GameEventWorker({
        store: new PostgresEventStore(pool),
        engine: matchEngineDriver,
        logger,
        metrics,
        processed: { producer: new MemoryStream(), stream: 'processed-game-events' },
        deadLetters: new RecordingDeadLetterSink(),
        cacheStates: false,
      }),
      logger,
      metrics,
    });
    const events = await readEvents(NUKE);
    const records = [];
    for (let start = 0, seq = 1; start < events.length; start += 100, seq += 1) {
      records.push({
        partitionKey: SERVER_ID,
        sequenceNumber: sequenceNumber(seq),
        data: encodeFrame({
          v: 1,
          server: SERVER_ID,
          session: 'boot-1',
          seq,
          sentAt: 0,
          events: events.slice(start, start + 100),
        }),
      });
    }
    for (let start = 0; start < records.length; start += 20) {
      expect(await worker(kinesisEvent(records.slice(start, start + 20)))).toEqual({ batchItemFailures: [] });
    }
    const matches = await new PostgresMatchQueries(pool).listMatches({ limit: 10 });
    known.matchId = matches[0]?.id ?? '';
    const store = new PostgresMatchStatsStore(pool);
    const stats = new MatchStatsService({
      queries: new PostgresStatsQueries(pool),
      store,
      aggregator: new MatchAggregator({ store, logger, metrics }),
    });
    known.steamId = (await stats.summary(known.matchId))?.players[0]?.steamId ?? '';
    const servers = new ServerRegistry(new PostgresServerRepository(pool));
    const added = await servers.add('contract ingest');
    known.serverId = added.serverId;
    known.token = added.token;
    const deadLetters = new PostgresDeadLetterStore(pool);
    const channels = new IngestChannels({
      store: new PostgresIngestChannelStore(pool),
      producer: new MemoryStream(),
      stream: 'raw-game-events',
      logger,
      metrics,
    });
    plainIngest = makePlainIngestHandler({
      logs: new LogIngestor({ channels, logger, metrics }),
      webhooks: new WebhookIngestor({ channels, logger, metrics }),
      channels,
      servers,
      logger,
      metrics,
    });
    local = await startTestHttpServer({
      pool,
      servers: new ServerRegistry(new PostgresServerRepository(pool)),
      stats,
      deadLetters: {
        store: deadLetters,
        replay: new DeadLetterReplay({ store: deadLetters, producer: new MemoryStream(), logger }),
      },
      extraRoutes: plainIngestRoutes({
        pool,
        producer: new MemoryStream(),
        config: { rawStream: 'raw-game-events' },
        servers,
        logger: silentLogger,
        metrics: new PrometheusMetrics(),
      }),
    });
    lambda = makeApiHandler({
      queries: new PostgresMatchQueries(pool),
      servers: new ServerRegistry(new PostgresServerRepository(pool)),
      stats,
      logger,
      metrics,
    });
  }, 120_000);

  afterAll(async () => {
    await local?.close();
    await pool?.end();
    await database?.drop();
  });

  it('has a stored match and player to ask about', () => {
    expect(known.matchId).toMatch(/^m_/);
    expect(known.steamId).not.toBe('');
  });

  // The names are read before `beforeAll` fills in the ids: a case's name does not depend on them.
  it.each(CASES.map((make) => [make().name, make] as const))(
    '%s, alike on both transports',
    async (_name, make) => {
      // Prepare
      const contract = make();
      // Act
      const [viaHttp, viaLambda] = [
        await callLocal(local.port, contract),
        await callLambda(lambdaFor(contract.route), contract),
      ];
      // Assess
      const expected =
        'local' in contract.expect ? contract.expect : { local: contract.expect, lambda: contract.expect };
      assess(viaHttp, expected.local, `local: ${contract.name}`);
      assess(viaLambda, expected.lambda, `lambda: ${contract.name}`);
      if (contract.sameBody !== false && !('local' in contract.expect))
        expect(viaLambda.body).toEqual(viaHttp.body);
    },
  );

  it('follows the events cursor to the same second page on both transports', async () => {
    // Prepare
    const first: ApiCall = {
      route: 'GET /v1/matches/{id}/events',
      params: { id: id() },
      query: { limit: '5' },
    };
    const page = (await callLocal(local.port, first)).body as { next: string; events: unknown[] };
    const second = { ...first, query: { limit: '5', after: page.next } };
    // Act
    const [viaHttp, viaLambda] = [await callLocal(local.port, second), await callLambda(lambda, second)];
    // Assess
    expect(viaHttp.status).toBe(200);
    expect(viaLambda).toEqual(viaHttp);
    expect((viaHttp.body as { events: unknown[] }).events).toHaveLength(5);
    expect(viaHttp.body).not.toEqual(page);
  });

  it('covers every route of the shared tables, and the CDK app sends each function exactly its own', () => {
    const covered = new Set(CASES.map((make) => make().route));
    const shared = API_ROUTES.map(routeKeyOf);
    const ingest = INGEST_ROUTES.map(routeKeyOf);
    expect([...covered].sort()).toEqual([...shared, ...ingest].sort());
    expect(
      CDK_ROUTES.filter((route) => route.target === 'api')
        .map(cdkRouteKeyOf)
        .sort(),
    ).toEqual([...shared].sort());
    expect(
      CDK_ROUTES.filter((route) => route.target === 'plain-ingest')
        .map(cdkRouteKeyOf)
        .sort(),
    ).toEqual([...ingest].sort());
  });
});
