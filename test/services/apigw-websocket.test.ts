/**
 * The API Gateway WebSocket stand-in keeps API Gateway's limits, proved with real `ws` clients
 * and the real Management API client: frames over 32 KB and messages over 128 KB close with 1009,
 * binary frames with 1003, idle and over-age connections are closed, PostToConnection refuses
 * more than 128 KB (413) and answers 410 for a gone connection; the authorizer decides at connect.
 */
import { once } from 'node:events';
import {
  GetConnectionCommand,
  PayloadTooLargeException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { WebSocketEvent } from '../../functions/lib/websocket.ts';
import {
  ApiGatewayConnectionSender,
  createApiGatewayManagementClient,
} from '../../shared/adapters/apigw-management/index.ts';
import { ApiGatewayWebSocket, FrameWatcher, type WebSocketGatewayOptions } from './apigw-websocket.ts';

const gateways: ApiGatewayWebSocket[] = [];
const clients: WebSocket[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  await Promise.all(gateways.splice(0).map((gateway) => gateway.stop()));
});

/** A gateway whose `$default` echoes the body back, `$connect` says yes, `$disconnect` is recorded. */
async function echoGateway(overrides: Partial<WebSocketGatewayOptions> = {}) {
  const received: WebSocketEvent[] = [];
  const gateway = await ApiGatewayWebSocket.start({
    apiId: 'abc123',
    stage: 'v1',
    routeSelectionExpression: '$request.body.action',
    routes: {
      $connect: { integration: async () => ({ statusCode: 200 }), routeResponse: false },
      $default: {
        integration: async (event) => {
          received.push(event);
          return { statusCode: 200, body: `echo:${event.body?.length ?? 0}` };
        },
        routeResponse: true,
      },
      ping: { integration: async () => ({ statusCode: 200, body: 'pong' }), routeResponse: true },
      $disconnect: {
        integration: async (event) => {
          received.push(event);
          return { statusCode: 200 };
        },
        routeResponse: false,
      },
    },
    ...overrides,
  });
  gateways.push(gateway);
  return { gateway, received };
}

async function open(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  const client = new WebSocket(url, { headers, perMessageDeflate: false });
  clients.push(client);
  client.on('error', () => {});
  await once(client, 'open');
  return client;
}

async function closeCode(client: WebSocket): Promise<number> {
  const [code] = (await once(client, 'close')) as [number, Buffer];
  return code;
}

async function nextMessage(client: WebSocket): Promise<string> {
  const [data] = (await once(client, 'message')) as [Buffer];
  return String(data);
}

/** The HTTP status a handshake was refused with. */
async function refusedWith(url: string, headers: Record<string, string> = {}): Promise<number> {
  const client = new WebSocket(url, { headers });
  clients.push(client);
  client.on('error', () => {});
  return new Promise((resolve, reject) => {
    client.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    client.once('open', () => reject(new Error('the handshake was accepted')));
  });
}

describe('API Gateway WebSocket stand-in', () => {
  it('routes by $request.body.action, else to $default, and sends the route response back', async () => {
    const { gateway } = await echoGateway();
    const client = await open(gateway.url);
    client.send(JSON.stringify({ action: 'ping' }));
    expect(await nextMessage(client)).toBe('pong');
    client.send('not json');
    expect(await nextMessage(client)).toBe('echo:8');
  });

  it('accepts a text frame of 32,000 bytes and closes with 1009 on one byte more', async () => {
    const { gateway, received } = await echoGateway();
    const client = await open(gateway.url);
    client.send('a'.repeat(32_000));
    expect(await nextMessage(client)).toBe('echo:32000');
    client.send('b'.repeat(32_001));
    expect(await closeCode(client)).toBe(1009);
    expect(received.filter((event) => event.body?.startsWith('b'))).toEqual([]);
  });

  it('closes with 1009 on a message over 128 KB sent in frames that each fit', async () => {
    const { gateway, received } = await echoGateway();
    const client = await open(gateway.url);
    const part = 'c'.repeat(30_000);
    for (let index = 0; index < 5; index += 1) client.send(part, { fin: index === 4 });
    expect(await closeCode(client)).toBe(1009);
    expect(received.filter((event) => event.requestContext.eventType === 'MESSAGE')).toEqual([]);
  });

  it('closes with 1003 on a binary frame, without routing it', async () => {
    const { gateway, received } = await echoGateway();
    const client = await open(gateway.url);
    client.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await closeCode(client)).toBe(1003);
    expect(received.filter((event) => event.requestContext.eventType === 'MESSAGE')).toEqual([]);
    // $disconnect still runs, with the code.
    await expect.poll(() => received.at(-1)?.requestContext.disconnectStatusCode).toBe(1003);
  });

  it('closes a connection idle for the idle timeout, and any connection at its maximum age', async () => {
    const { gateway } = await echoGateway({ limits: { idleTimeoutMs: 300, maxConnectionMs: 1_200 } });
    const idle = await open(gateway.url);
    const idleStarted = Date.now();
    expect(await closeCode(idle)).toBe(1001);
    expect(Date.now() - idleStarted).toBeGreaterThanOrEqual(250);

    const busy = await open(gateway.url);
    const busyStarted = Date.now();
    const chatter = setInterval(() => busy.readyState === WebSocket.OPEN && busy.send('keep me'), 100);
    try {
      expect(await closeCode(busy)).toBe(1001);
    } finally {
      clearInterval(chatter);
    }
    expect(Date.now() - busyStarted).toBeGreaterThanOrEqual(1_150);
  });

  it('PostToConnection: delivers up to 128 KB, refuses more with 413, answers 410 once the connection is gone', async () => {
    const { gateway } = await echoGateway();
    const client = await open(gateway.url);
    const [connectionId] = gateway.connectionIds;
    const management = createApiGatewayManagementClient({
      region: 'us-east-1',
      endpoint: gateway.managementEndpoint,
    });
    try {
      const fits = 'd'.repeat(128_000);
      const delivered = nextMessage(client);
      await management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: fits }));
      expect(await delivered).toBe(fits);
      await expect(
        management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: `${fits}e` })),
      ).rejects.toBeInstanceOf(PayloadTooLargeException);
      expect(await management.send(new GetConnectionCommand({ ConnectionId: connectionId }))).toMatchObject({
        Identity: { SourceIp: expect.any(String) },
      });

      client.close(1000);
      await expect.poll(() => gateway.connectionIds).toEqual([]);
      const sender = new ApiGatewayConnectionSender(management);
      expect(await sender.send(connectionId!, '{"type":"late"}')).toBe('gone');
    } finally {
      management.destroy();
    }
  });

  it('runs the REQUEST authorizer at connect: 401 on Unauthorized, 403 on Deny, its context on every event', async () => {
    const { gateway, received } = await echoGateway({
      authorizer: {
        identitySource: [],
        invoke: async (event) => {
          const token = event.headers?.Authorization;
          if (token === 'Bearer good')
            return {
              principalId: 'srv_1',
              policyDocument: {
                Version: '2012-10-17',
                Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
              },
              context: { serverId: 'srv_1' },
            };
          if (token === 'Bearer denied')
            return {
              principalId: 'x',
              policyDocument: {
                Version: '2012-10-17',
                Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: event.methodArn }],
              },
            };
          throw new Error('Unauthorized');
        },
      },
    });
    expect(await refusedWith(gateway.url, { Authorization: 'Bearer bad' })).toBe(401);
    expect(await refusedWith(gateway.url, { Authorization: 'Bearer denied' })).toBe(403);
    const client = await open(gateway.url, { Authorization: 'Bearer good' });
    client.send('hello');
    await nextMessage(client);
    expect(received.at(-1)?.requestContext.authorizer).toEqual({ serverId: 'srv_1', principalId: 'srv_1' });
  });

  it('answers "Endpoint request timed out" when an integration takes longer than the integration timeout', async () => {
    const { gateway } = await echoGateway({
      limits: { integrationTimeoutMs: 100 },
      routes: {
        $default: {
          integration: () =>
            new Promise((resolve) => setTimeout(() => resolve({ statusCode: 200, body: 'late' }), 400)),
          routeResponse: true,
        },
      },
    });
    const client = await open(gateway.url);
    client.send('slow');
    expect(JSON.parse(await nextMessage(client))).toMatchObject({ message: 'Endpoint request timed out' });
  });

  it('refuses the handshake with the status a $connect integration answers', async () => {
    const { gateway } = await echoGateway({
      routes: { $connect: { integration: async () => ({ statusCode: 403 }), routeResponse: false } },
    });
    expect(await refusedWith(gateway.url)).toBe(403);
  });
});

describe('FrameWatcher', () => {
  it('reads the payload lengths of frames split across chunks at any byte', () => {
    // Prepare: three masked client frames (short, 16-bit and 64-bit lengths), as bytes.
    const frame = (length: number) => {
      const header =
        length < 126
          ? Buffer.from([0x81, 0x80 | length])
          : length < 65_536
            ? Buffer.concat([Buffer.from([0x81, 0x80 | 126]), Buffer.from([length >> 8, length & 0xff])])
            : (() => {
                const bytes = Buffer.alloc(10);
                bytes[0] = 0x81;
                bytes[1] = 0x80 | 127;
                bytes.writeBigUInt64BE(BigInt(length), 2);
                return bytes;
              })();
      return Buffer.concat([header, Buffer.from([1, 2, 3, 4]), Buffer.alloc(length)]);
    };
    const stream = Buffer.concat([frame(5), frame(300), frame(70_000), frame(0)]);
    for (const chunkSize of [1, 3, 7, 14, 1_000, stream.length]) {
      // Act
      const watcher = new FrameWatcher();
      const seen: number[] = [];
      for (let offset = 0; offset < stream.length; offset += chunkSize) {
        seen.push(...watcher.push(stream.subarray(offset, offset + chunkSize)));
      }
      // Assess
      expect(seen).toEqual([5, 300, 70_000, 0]);
    }
  });
});
