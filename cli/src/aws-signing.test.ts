/**
 * The CLI's AWS mode against a local HTTP server standing in for the HTTP API: requests carry a
 * SigV4 signature made with the default credential chain (static test credentials in the
 * environment), which the server checks by signing what it received again.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { awsRequestSigner, NodeSha256, regionOfApiUrl, restApiUrlOfStack } from './aws-signing.ts';
import { adminRequest, pipelineStackName, resolveInstance } from './instance-client.ts';

const GEQO = resolve(import.meta.dirname, '../../bin/geqo.mjs');
const CREDENTIALS = { accessKeyId: 'AKIDGEQOTEST', secretAccessKey: 'geqo-test-secret/not-a-real-one' };
const SIGV4 =
  /^AWS4-HMAC-SHA256 Credential=AKIDGEQOTEST\/(\d{8})\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

/** A `DescribeStacks` answer of the pipeline stack, as the CloudFormation Query API writes it. */
const DESCRIBE_STACKS_XML = `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
  <DescribeStacksResult><Stacks><member>
    <StackName>GeqoPipeline</StackName>
    <Outputs>
      <member><OutputKey>PluginUrl</OutputKey><OutputValue>wss://p1.execute-api.eu-west-1.amazonaws.com/live</OutputValue></member>
      <member><Description>REST API base URL</Description><OutputKey>RestApiUrl</OutputKey>
        <OutputValue>https://a1b2c3.execute-api.eu-west-1.amazonaws.com</OutputValue></member>
    </Outputs>
    <StackStatus>UPDATE_COMPLETE</StackStatus>
  </member></Stacks></DescribeStacksResult>
</DescribeStacksResponse>`;

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** Signs `received` again with the test credentials at its own `x-amz-date`: the signature it should carry. */
async function expectedAuthorization(received: Received, port: number): Promise<string> {
  const signedHeaders = SIGV4.exec(String(received.headers.authorization))?.[2]?.split(';') ?? [];
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) headers[name] = String(received.headers[name]);
  const amzDate = String(received.headers['x-amz-date']);
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const url = new URL(received.url, `http://127.0.0.1:${port}`);
  const signer = new SignatureV4({
    service: 'execute-api',
    region: 'eu-west-1',
    credentials: CREDENTIALS,
    sha256: NodeSha256,
  });
  const signed = await signer.sign(
    {
      method: received.method,
      protocol: 'http:',
      hostname: '127.0.0.1',
      port,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      ...(received.body === '' ? {} : { body: received.body }),
    },
    { signingDate },
  );
  return String(signed.headers.authorization);
}

describe('AWS mode of the instance client', () => {
  let server: Server;
  let port: number;
  const received: Received[] = [];
  const saved = { ...process.env };

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        const signed = request.headers.authorization?.startsWith('AWS4-HMAC-SHA256 ');
        if (request.url === '/cloudformation/') {
          response.writeHead(signed ? 200 : 403, { 'content-type': 'text/xml' });
          response.end(DESCRIBE_STACKS_XML);
          return;
        }
        response.writeHead(signed ? 201 : 403, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ serverId: 'srv_aws', name: 'EU #1', token: 'srv_aws.secret' }));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  beforeEach(() => {
    received.length = 0;
    process.env.AWS_ACCESS_KEY_ID = CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = CREDENTIALS.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
  });

  afterEach(() => {
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('signs an admin request with SigV4 for execute-api, credentials from the default chain', async () => {
    // Prepare
    const instance = { url: `http://127.0.0.1:${port}`, sign: awsRequestSigner('eu-west-1') };

    // Act
    const answer = await adminRequest<{ serverId: string }>(instance, '/v1/servers', {
      method: 'POST',
      body: { name: 'EU #1' },
    });

    // Assess
    expect(answer.serverId).toBe('srv_aws');
    const [request] = received;
    if (!request) throw new Error('the server got no request');
    const authorization = String(request.headers.authorization);
    const [, day, signedHeaders] = SIGV4.exec(authorization) ?? [];
    expect(authorization).toMatch(SIGV4);
    expect(request.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(String(request.headers['x-amz-date']).slice(0, 8)).toBe(day);
    expect(signedHeaders?.split(';')).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'content-type']));
    expect(request.body).toBe('{"name":"EU #1"}');
    await expect(expectedAuthorization(request, port)).resolves.toBe(authorization);
  });

  it('keeps the stage path of an API URL and takes the region from an execute-api URL', async () => {
    // Prepare
    const apiUrl = 'https://a1b2c3.execute-api.eu-west-1.amazonaws.com/prod';

    // Act
    const instance = await resolveInstance({ aws: true, url: apiUrl }, {});

    // Assess
    expect(regionOfApiUrl(apiUrl)).toBe('eu-west-1');
    expect(instance.url).toBe(apiUrl);
    expect(instance.sign).toBeDefined();
  });

  it('sends a path with its query under the stage path of the URL, and signs the query', async () => {
    // Prepare
    const instance = { url: `http://127.0.0.1:${port}/prod/`, sign: awsRequestSigner('eu-west-1') };

    // Act
    await adminRequest(instance, '/v1/dead-letters?pending=true&limit=5');

    // Assess
    const [request] = received;
    if (!request) throw new Error('the server got no request');
    expect(request.url).toBe('/prod/v1/dead-letters?pending=true&limit=5');
    await expect(expectedAuthorization(request, port)).resolves.toBe(request.headers.authorization);
  });

  it('finds the API URL in the RestApiUrl output of the stack, asking CloudFormation with a signed DescribeStacks', async () => {
    // Act
    const url = await restApiUrlOfStack(
      'GeqoPipeline',
      'eu-west-1',
      `http://127.0.0.1:${port}/cloudformation/`,
    );

    // Assess
    expect(url).toBe('https://a1b2c3.execute-api.eu-west-1.amazonaws.com');
    const [request] = received;
    expect(request?.body).toBe('Action=DescribeStacks&StackName=GeqoPipeline&Version=2010-05-15');
    expect(String(request?.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDGEQOTEST\/\d{8}\/eu-west-1\/cloudformation\/aws4_request, /,
    );
  });

  it('`geqo server add --aws --url <local>` reaches the server with a signed request', async () => {
    // Prepare
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_PROFILE: '',
    };

    // Act
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        GEQO,
        'server',
        'add',
        'EU #1',
        '--aws',
        '--region',
        'eu-west-1',
        '--url',
        `http://127.0.0.1:${port}`,
        '--json',
      ],
      { env },
    );

    // Assess
    expect(JSON.parse(stdout)).toMatchObject({ serverId: 'srv_aws', token: 'srv_aws.secret' });
    const [request] = received;
    if (!request) throw new Error('the server got no request');
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/v1/servers');
    expect(String(request.headers.authorization)).toMatch(SIGV4);
    await expect(expectedAuthorization(request, port)).resolves.toBe(request.headers.authorization);
  });
});

describe('the pipeline stack the AWS mode reads the API URL from', () => {
  it('is geqo-<stage>-pipeline as deployed (dev by default), not the construct id GeqoPipeline', () => {
    expect(pipelineStackName({})).toBe('geqo-dev-pipeline');
    expect(pipelineStackName({ stage: 'prod' })).toBe('geqo-prod-pipeline');
    expect(pipelineStackName({ stage: 'prod', stack: 'my-pipeline' })).toBe('my-pipeline');
  });
});
