/**
 * A stand-in for an API Gateway HTTP API (`$default` stage) with Lambda proxy integrations,
 * payload format 2.0: a request is matched against route keys (`POST /v1/servers`,
 * `GET /v1/matches/{id}`; the most specific route wins, as on AWS), turned into the 2.0 event
 * (lower-case headers, raw path and query, path parameters, the body as text, or base64 when it
 * is not text) and the function's answer turned back into the response (a bare value is a 200
 * JSON answer, as AWS does with 2.0). No route: 404 `{"message":"Not Found"}`. An integration
 * that fails: 500 `{"message":"Internal Server Error"}`. The 10 MB payload limit is kept.
 *
 * `AWS_IAM` routes need a SigV4 `Authorization` header for service `execute-api` (403
 * `{"message":"Forbidden"}` otherwise). Given the caller's credentials (`iam`), the signature is
 * verified too: the request is signed again at its own `x-amz-date` and must match (403 if not).
 * There are no IAM policies here: a valid signature is allowed.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { NodeSha256 } from '../../cli/src/aws-signing.ts';

export interface HttpRoute {
  routeKey: string;
  authorizationType: 'NONE' | 'AWS_IAM' | (string & {});
  integration: (event: APIGatewayProxyEventV2) => Promise<unknown>;
}

/** The credentials and region an `AWS_IAM` route checks signatures with. */
export interface IamVerification {
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
const SIGV4 =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([a-z0-9-]+)\/execute-api\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;
const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript))/;

interface CompiledRoute extends HttpRoute {
  method: string;
  pattern: RegExp;
  names: string[];
  /** Literal segments: more of them wins over parameters. */
  literals: number;
}

function compile(route: HttpRoute): CompiledRoute {
  const [method = 'ANY', path = '/'] = route.routeKey.split(' ');
  const names: string[] = [];
  const segments = path.split('/').filter(Boolean);
  const pattern = segments
    .map((segment) => {
      const parameter = /^\{(\w+)\+?\}$/.exec(segment);
      if (!parameter) return `/${segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&')}`;
      names.push(parameter[1] ?? '');
      return segment.endsWith('+}') ? '/(.+)' : '/([^/]+)';
    })
    .join('');
  return {
    ...route,
    method,
    pattern: new RegExp(`^${pattern || '/'}$`),
    names,
    literals: segments.filter((segment) => !segment.startsWith('{')).length,
  };
}

export class ApiGatewayHttpApi {
  /** Integration failures, as API Gateway would log them. */
  readonly errors: { routeKey: string; error: unknown }[] = [];
  private readonly routes: CompiledRoute[];
  private port = 0;

  private constructor(
    routes: readonly HttpRoute[],
    private readonly server: Server,
    private readonly apiId: string,
    private readonly iam: IamVerification | undefined,
  ) {
    this.routes = routes.map(compile).sort((a, b) => b.literals - a.literals);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      void this.handle(request, response).catch((error: unknown) => {
        this.errors.push({ routeKey: '(gateway)', error });
        if (!response.headersSent) send(response, 500, { message: 'Internal Server Error' });
      });
    });
  }

  static async start(
    routes: readonly HttpRoute[],
    options: { apiId?: string; iam?: IamVerification } = {},
  ): Promise<ApiGatewayHttpApi> {
    const server = createServer();
    const api = new ApiGatewayHttpApi(routes, server, options.apiId ?? 'localhttp', options.iam);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api.port = (server.address() as AddressInfo).port;
    return api;
  }

  /** The `$default` stage's URL. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private signedCorrectly(request: IncomingMessage, url: URL, body: Buffer): Promise<boolean> {
    return verifySignature(request, url, body, this.iam);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    let parameters: Record<string, string> = {};
    const route = this.routes.find((candidate) => {
      if (candidate.method !== method && candidate.method !== 'ANY') return false;
      const found = candidate.pattern.exec(url.pathname);
      if (!found) return false;
      parameters = Object.fromEntries(
        candidate.names.map((name, index) => [name, decodeURIComponent(found[index + 1] ?? '')]),
      );
      return true;
    });
    if (!route) return send(response, 404, { message: 'Not Found' });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk);
    }
    if (size > MAX_PAYLOAD_BYTES) return send(response, 413, { message: 'Request Entity Too Large' });
    const body = Buffer.concat(chunks);
    if (route.authorizationType === 'AWS_IAM' && !(await this.signedCorrectly(request, url, body))) {
      return send(response, 403, { message: 'Forbidden' });
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const contentType = headers['content-type'] ?? '';
    const isText = body.length === 0 || TEXT_TYPES.test(contentType);
    const sourceIp = request.socket.remoteAddress ?? '127.0.0.1';
    const now = Date.now();
    const event: APIGatewayProxyEventV2 = {
      version: '2.0',
      routeKey: route.routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.replace(/^\?/, ''),
      headers,
      ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
      ...(route.names.length > 0 ? { pathParameters: parameters } : {}),
      ...(body.length > 0 ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
      isBase64Encoded: !isText,
      requestContext: {
        accountId: '000000000000',
        apiId: this.apiId,
        domainName: headers.host ?? '127.0.0.1',
        domainPrefix: this.apiId,
        http: {
          method,
          path: url.pathname,
          protocol: 'HTTP/1.1',
          sourceIp,
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: randomBytes(8).toString('base64'),
        routeKey: route.routeKey,
        stage: '$default',
        time: new Date(now).toUTCString(),
        timeEpoch: now,
      },
    };
    let answer: unknown;
    try {
      answer = await route.integration(event);
    } catch (error) {
      this.errors.push({ routeKey: route.routeKey, error });
      return send(response, 500, { message: 'Internal Server Error' });
    }
    if (
      typeof answer !== 'object' ||
      answer === null ||
      typeof (answer as { statusCode?: unknown }).statusCode !== 'number'
    ) {
      return send(response, 200, answer);
    }
    const result = answer as {
      statusCode: number;
      headers?: Record<string, string>;
      body?: string;
      isBase64Encoded?: boolean;
    };
    response.writeHead(result.statusCode, result.headers ?? {});
    response.end(
      result.body === undefined
        ? undefined
        : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8'),
    );
  }
}

/** Whether the request carries a SigV4 signature (and, with `iam`, the right one). */
async function verifySignature(
  request: IncomingMessage,
  url: URL,
  body: Buffer,
  iam: IamVerification | undefined,
): Promise<boolean> {
  const parts = SIGV4.exec(String(request.headers.authorization ?? ''));
  if (!parts) return false;
  const [, accessKeyId, , region, signedHeaderList = ''] = parts;
  const signedHeaders = signedHeaderList.split(';');
  if (!signedHeaders.includes('host')) return false;
  if (!iam) return true;
  if (accessKeyId !== iam.accessKeyId || region !== iam.region) return false;
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  if (Number.isNaN(signingDate.getTime())) return false;
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) headers[name] = String(request.headers[name] ?? '');
  const [hostname = '', port] = (request.headers.host ?? '').split(':');
  const signer = new SignatureV4({
    service: 'execute-api',
    region: iam.region,
    credentials: { accessKeyId: iam.accessKeyId, secretAccessKey: iam.secretAccessKey },
    sha256: NodeSha256,
  });
  const signed = await signer.sign(
    {
      method: request.method ?? 'GET',
      protocol: 'http:',
      hostname,
      ...(port ? { port: Number(port) } : {}),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      ...(body.length > 0 ? { body: body.toString('utf8') } : {}),
    },
    { signingDate },
  );
  return signed.headers.authorization === request.headers.authorization;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
