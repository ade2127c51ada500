/**
 * The HTTP API's routes (DESIGN.md section 8), shared by the functions (which dispatch on the
 * route key API Gateway sends) and the CDK app (which creates one route per entry, integrated
 * with the function its `target` names). Admin routes are authorized by API Gateway with IAM
 * (SigV4-signed requests), never by a function; ingest routes are authenticated by the function
 * with the server's token, since a game server cannot sign requests.
 */
export interface ApiRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** API Gateway path syntax: `{name}` for a path parameter. */
  path: string;
  admin: boolean;
  /** The function behind the route: the REST API, or plugin-free ingest (logs, webhooks). */
  target: 'api' | 'plain-ingest';
}

export const API_ROUTES = [
  { method: 'GET', path: '/v1/openapi.json', admin: false, target: 'api' },
  { method: 'GET', path: '/v1/matches', admin: false, target: 'api' },
  { method: 'GET', path: '/v1/matches/{id}', admin: false, target: 'api' },
  { method: 'GET', path: '/v1/matches/{id}/rounds', admin: false, target: 'api' },
  { method: 'GET', path: '/v1/matches/{id}/summary', admin: false, target: 'api' },
  { method: 'GET', path: '/v1/matches/{id}/events', admin: false, target: 'api' },
  { method: 'GET', path: '/v1/players/{steamId}', admin: false, target: 'api' },
  { method: 'POST', path: '/v1/servers', admin: true, target: 'api' },
  { method: 'GET', path: '/v1/servers', admin: true, target: 'api' },
  { method: 'DELETE', path: '/v1/servers/{id}', admin: true, target: 'api' },
  { method: 'GET', path: '/v1/dead-letters', admin: true, target: 'api' },
  { method: 'POST', path: '/v1/dead-letters/{id}/replay', admin: true, target: 'api' },
  // CS2's `logaddress_add_http` target; the token in the path authenticates the server.
  { method: 'POST', path: '/v1/logs/{serverId}/{token}', admin: false, target: 'plain-ingest' },
  // MatchZy and get5 event webhooks; `Authorization: Bearer <server token>` authenticates the server.
  { method: 'POST', path: '/v1/webhooks/matchzy', admin: false, target: 'plain-ingest' },
  { method: 'POST', path: '/v1/webhooks/get5', admin: false, target: 'plain-ingest' },
] as const satisfies readonly ApiRoute[];

export type RouteTarget = ApiRoute['target'];

type RouteOf<R> = R extends { method: infer M extends string; path: infer P extends string }
  ? `${M} ${P}`
  : never;

type Route = (typeof API_ROUTES)[number];

/** The route keys of the REST API function: `GET /v1/matches/{id}`… */
export type RouteKey = RouteOf<Extract<Route, { target: 'api' }>>;

/** The route keys of the plain-ingest function: `POST /v1/logs/{serverId}/{token}`… */
export type PlainIngestRouteKey = RouteOf<Extract<Route, { target: 'plain-ingest' }>>;

/** `GET /v1/matches/{id}`: the `routeKey` API Gateway puts in the event. */
export const routeKeyOf = (route: ApiRoute): string => `${route.method} ${route.path}`;

/** The routes one function serves. */
export const routesOf = (target: RouteTarget): ApiRoute[] =>
  API_ROUTES.filter((route) => route.target === target);
