/**
 * The Lambda side of the transport-free API (`@geqo/shared/app/http-api`), for the functions behind
 * the HTTP API (payload format 2.0): an event becomes an `ApiRequest`, an `ApiResponse` a result.
 */
import { type ApiRequest, type ApiResponse, errorBody, INTERNAL_ERROR } from '@geqo/shared/app/http-api';
import type { Logger } from '@geqo/shared/ports';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** A JSON result, never cached. */
export function jsonResult(
  statusCode: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

export const resultOf = (response: ApiResponse): APIGatewayProxyStructuredResultV2 =>
  jsonResult(response.status, response.body, response.headers);

/**
 * The API's request from an event. API Gateway base64-encodes a body it does not take for text (a
 * text body, as CS2 sends, arrives as a string: UTF-8 again here), lower-cases header names and
 * joins a repeated header's or query parameter's values with commas. `authorize` lets everything
 * through: API Gateway has authorized the admin routes with IAM before the function runs, REST
 * reads are open, and the ingest routes check their game server's token themselves.
 */
export function apiRequestOf(event: APIGatewayProxyEventV2): ApiRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
  return {
    params: event.pathParameters ?? {},
    query: event.queryStringParameters ?? {},
    headers,
    body: async () =>
      new Uint8Array(Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8')),
    authorize: () => {},
  };
}

/** A route table of the shared API (`HttpApi`, `IngestApi`): what a function serves. */
export interface RouteTable<Route> {
  route(routeKey: string): Route | undefined;
  handle(route: Route, request: ApiRequest): Promise<ApiResponse>;
}

/**
 * Answers one event with `api`. API Gateway has already matched the route, so it is looked up by
 * `routeKey`; an error no handler turned into an answer (the database, a bug) is logged in full as
 * `failure` and is a plain 500 for the client.
 */
export async function answerEvent<Route>(
  api: RouteTable<Route>,
  event: APIGatewayProxyEventV2,
  logger: Logger,
  failure: string,
): Promise<APIGatewayProxyStructuredResultV2> {
  const route = api.route(event.routeKey);
  if (!route) return jsonResult(404, errorBody('NOT_FOUND', `no route ${event.routeKey}`));
  try {
    return resultOf(await api.handle(route, apiRequestOf(event)));
  } catch (error) {
    logger.error(failure, { routeKey: event.routeKey, requestId: event.requestContext.requestId, error });
    return jsonResult(INTERNAL_ERROR.status, INTERNAL_ERROR.body);
  }
}
