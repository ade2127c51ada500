/** The API Gateway WebSocket events our functions read, and what they answer. */

export interface WebSocketRequestContext {
  routeKey: string;
  eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT';
  connectionId: string;
  domainName: string;
  stage: string;
  apiId: string;
  requestId: string;
  connectedAt: number;
  requestTimeEpoch: number;
  messageId?: string;
  extendedRequestId?: string;
  requestTime?: string;
  messageDirection?: 'IN';
  identity?: { sourceIp: string; userAgent?: string };
  disconnectStatusCode?: number;
  disconnectReason?: string;
  /** What the `$connect` authorizer put in its `context` (strings, numbers, booleans). */
  authorizer?: Record<string, string | number | boolean | null | undefined>;
}

export interface WebSocketEvent {
  requestContext: WebSocketRequestContext;
  body?: string;
  isBase64Encoded: boolean;
  headers?: Record<string, string | undefined>;
  multiValueHeaders?: Record<string, string[] | undefined>;
  queryStringParameters?: Record<string, string | undefined> | null;
}

/** A route response: for a two-way route API Gateway sends `body` back to the caller. */
export interface WebSocketResult {
  statusCode: number;
  body?: string;
}

/** `$connect` authorizer (REQUEST) input for a WebSocket API. */
export interface WebSocketAuthorizerEvent {
  type: 'REQUEST';
  methodArn: string;
  headers?: Record<string, string | undefined> | null;
  queryStringParameters?: Record<string, string | undefined> | null;
  requestContext: Omit<WebSocketRequestContext, 'authorizer'>;
}

export interface AuthorizerResult {
  principalId: string;
  policyDocument: {
    Version: '2012-10-17';
    Statement: { Action: 'execute-api:Invoke'; Effect: 'Allow' | 'Deny'; Resource: string }[];
  };
  context?: Record<string, string | number | boolean>;
}

/** A JSON route response with status 200: the body is what the client receives. */
export function jsonReply(body: unknown, statusCode = 200): WebSocketResult {
  return { statusCode, body: JSON.stringify(body) };
}

/** A header by name, whatever its case (clients and proxies differ). */
export function headerOf(headers: Record<string, string | undefined> | null | undefined, name: string) {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}
