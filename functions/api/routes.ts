/**
 * The HTTP API's routes (DESIGN.md section 8), shared by the function (which dispatches on the
 * route key API Gateway sends) and the CDK app (which creates one route per entry). Admin routes
 * are authorized by API Gateway with IAM (SigV4-signed requests), never by the function.
 */
export interface ApiRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** API Gateway path syntax: `{name}` for a path parameter. */
  path: string;
  admin: boolean;
}

export const API_ROUTES = [
  { method: 'GET', path: '/v1/matches', admin: false },
  { method: 'GET', path: '/v1/matches/{id}', admin: false },
  { method: 'GET', path: '/v1/matches/{id}/rounds', admin: false },
  { method: 'GET', path: '/v1/matches/{id}/summary', admin: false },
  { method: 'GET', path: '/v1/matches/{id}/events', admin: false },
  { method: 'POST', path: '/v1/servers', admin: true },
  { method: 'GET', path: '/v1/servers', admin: true },
  { method: 'DELETE', path: '/v1/servers/{id}', admin: true },
  { method: 'GET', path: '/v1/dead-letters', admin: true },
  { method: 'POST', path: '/v1/dead-letters/{id}/replay', admin: true },
  // CS2's `logaddress_add_http` target; the token in the path authenticates the server.
  { method: 'POST', path: '/v1/logs/{serverId}/{token}', admin: false },
] as const satisfies readonly ApiRoute[];

type RouteOf<R> = R extends { method: infer M extends string; path: infer P extends string }
  ? `${M} ${P}`
  : never;

/** Exactly the route keys of {@link API_ROUTES}: `GET /v1/matches/{id}`… */
export type RouteKey = RouteOf<(typeof API_ROUTES)[number]>;

/** `GET /v1/matches/{id}`: the `routeKey` API Gateway puts in the event. */
export const routeKeyOf = (route: ApiRoute): string => `${route.method} ${route.path}`;
