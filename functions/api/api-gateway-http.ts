/**
 * The Lambda side of the transport-free API (`@geqo/shared/app/http-api`), for the functions behind
 * the HTTP API (payload format 2.0): an event becomes an `ApiRequest`, an `ApiResponse` a result.
 */
import type { ApiRequest, ApiResponse } from '@geqo/shared/app/http-api';
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
