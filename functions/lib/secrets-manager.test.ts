import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { getSecretString } from './secrets-manager.ts';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' };

async function serve(answer: (request: IncomingMessage, body: string) => { status: number; body: string }) {
  const seen: { headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      seen.push({ headers: request.headers, body });
      const reply = answer(request, body);
      response.writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.1' }).end(reply.body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { server, seen, endpoint: `http://127.0.0.1:${port}` };
}

describe('getSecretString', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  it('sends a SigV4-signed GetSecretValue for the secret and returns its SecretString', async () => {
    // Prepare
    const { server, seen, endpoint } = await serve(() => ({
      status: 200,
      body: JSON.stringify({ SecretString: '{"username":"geqo","password":"p@ss"}' }),
    }));
    close = () => server.close();
    // Act
    const secret = await getSecretString({
      secretArn: 'arn:secret:geqo',
      region: 'eu-west-1',
      credentials,
      endpoint,
    });
    // Assess
    expect(JSON.parse(secret)).toEqual({ username: 'geqo', password: 'p@ss' });
    expect(seen).toHaveLength(1);
    expect(JSON.parse(seen[0]!.body)).toEqual({ SecretId: 'arn:secret:geqo' });
    expect(seen[0]!.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
    expect(seen[0]!.headers['x-amz-security-token']).toBe('token');
    expect(seen[0]!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/secretsmanager\/aws4_request, SignedHeaders=.*x-amz-target/,
    );
  });

  it('fails with the status when Secrets Manager refuses', async () => {
    const { server, endpoint } = await serve(() => ({
      status: 400,
      body: '{"__type":"AccessDeniedException"}',
    }));
    close = () => server.close();
    await expect(
      getSecretString({ secretArn: 'arn:secret:geqo', region: 'eu-west-1', credentials, endpoint }),
    ).rejects.toThrow(/GetSecretValue answered 400: .*AccessDeniedException/);
  });
});
