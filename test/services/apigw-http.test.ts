/**
 * The HTTP API stand-in routes as API Gateway does (the most specific route key, path
 * parameters, payload format 2.0) and keeps `AWS_IAM` routes closed to anything but a request
 * signed with SigV4 by the right credentials.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeSha256 } from '../../cli/src/aws-signing.ts';
import { ApiGatewayHttpApi } from './apigw-http.ts';

const IAM = { region: 'us-east-1', accessKeyId: 'AKIDHTTPTEST', secretAccessKey: 'http-test-secret' };
const apis: ApiGatewayHttpApi[] = [];

afterEach(async () => {
  await Promise.all(apis.splice(0).map((api) => api.stop()));
});

async function startApi() {
  const events: APIGatewayProxyEventV2[] = [];
  const integration = (name: string) => async (event: APIGatewayProxyEventV2) => {
    events.push(event);
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    };
  };
  const api = await ApiGatewayHttpApi.start(
    [
      { routeKey: 'GET /v1/matches/{id}', authorizationType: 'NONE', integration: integration('match') },
      {
        routeKey: 'GET /v1/matches/{id}/rounds',
        authorizationType: 'NONE',
        integration: integration('rounds'),
      },
      { routeKey: 'POST /v1/servers', authorizationType: 'AWS_IAM', integration: integration('servers') },
    ],
    { iam: IAM },
  );
  apis.push(api);
  return { api, events };
}

/** Headers of `body` POSTed to `url`, signed with `secretAccessKey`. */
async function signed(url: URL, body: string, secretAccessKey: string): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: 'execute-api',
    region: IAM.region,
    credentials: { accessKeyId: IAM.accessKeyId, secretAccessKey },
    sha256: NodeSha256,
  });
  const request = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    query: {},
    headers: { host: url.host, 'content-type': 'application/json' },
    body,
  });
  const { host: _host, ...headers } = request.headers;
  return headers;
}

describe('API Gateway HTTP API stand-in', () => {
  it('routes to the most specific route key with its path parameters, and answers 404 to no route', async () => {
    const { api, events } = await startApi();
    const rounds = await fetch(`${api.url}/v1/matches/m-1/rounds?limit=5`);
    expect(await rounds.json()).toEqual({ name: 'rounds' });
    expect(events[0]).toMatchObject({
      version: '2.0',
      routeKey: 'GET /v1/matches/{id}/rounds',
      rawPath: '/v1/matches/m-1/rounds',
      rawQueryString: 'limit=5',
      pathParameters: { id: 'm-1' },
      queryStringParameters: { limit: '5' },
    });
    expect((await fetch(`${api.url}/v1/nothing`)).status).toBe(404);
  });

  it('answers 403 on an IAM route to an unsigned request and to a wrong signature, and passes a right one', async () => {
    const { api, events } = await startApi();
    const url = new URL(`${api.url}/v1/servers`);
    const body = JSON.stringify({ name: 'EU #1' });
    const unsigned = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(unsigned.status).toBe(403);
    const forged = await fetch(url, {
      method: 'POST',
      body,
      headers: await signed(url, body, 'not-the-secret'),
    });
    expect(forged.status).toBe(403);
    const good = await fetch(url, {
      method: 'POST',
      body,
      headers: await signed(url, body, IAM.secretAccessKey),
    });
    expect(good.status).toBe(200);
    expect(events.map((event) => event.body)).toEqual([body]);
  });
});
