/**
 * The replay client with its default settings (binary frames) against a server that takes no
 * binary frames, as API Gateway (the WebSocket stand-in with AWS's limits): it switches to base64
 * text after the 1003 close and every frame is acked.
 */
import { decodeFrame } from '@geqo/shared/domain/codec';
import type { AnyEvent } from '@geqo/shared/domain/events';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiGatewayWebSocket } from '../../../test/services/apigw-websocket.ts';
import { planFrames } from './frame-batcher.ts';
import { DEFAULT_PLUGIN_CLIENT, PluginClient } from './plugin-client.ts';

const gateways: ApiGatewayWebSocket[] = [];

afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.stop()));
});

const footsteps = (count: number): AnyEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    type: 'player_footstep' as const,
    ts: Date.now() + i,
    steamId: '76561198081484775',
    pos: [i, 0, 0] as [number, number, number],
  }));

describe('plugin client on API Gateway', () => {
  it('goes on in base64 text when the server closes with 1003 on its binary frames, and every frame is acked', async () => {
    // Prepare: an API whose $default acks each frame it can decode, as ingest does.
    const texts: boolean[] = [];
    const gateway = await ApiGatewayWebSocket.start({
      apiId: 'plugin1',
      stage: 'v1',
      routeSelectionExpression: '$request.body.action',
      routes: {
        $default: {
          integration: async (event) => {
            const decoded = decodeFrame(event.body ?? '');
            texts.push(decoded.ok);
            return decoded.ok
              ? { statusCode: 200, body: JSON.stringify({ type: 'ack', seq: decoded.frame.seq }) }
              : {
                  statusCode: 200,
                  body: JSON.stringify({ type: 'error', code: decoded.code, message: 'bad' }),
                };
          },
          routeResponse: true,
        },
      },
    });
    gateways.push(gateway);
    const frames = planFrames(
      footsteps(50),
      { server: 'srv_text', session: 'text-mode' },
      {
        maxEvents: 10,
        maxSpanMs: 1e9,
        maxBase64Chars: 32_000,
      },
    );
    expect(DEFAULT_PLUGIN_CLIENT.base64).toBe(false);
    const client = new PluginClient(frames, { url: gateway.url, token: 'unused', minBackoffMs: 10 });
    let switched = 0;
    client.on('text-mode', () => {
      switched += 1;
    });

    // Act
    const stats = await client.run();

    // Assess
    expect(switched).toBe(1);
    expect(gateway.closed[0]?.code).toBe(1003);
    expect(stats.ackedFrames).toBe(frames.length);
    expect(client.rejections).toEqual([]);
    expect(texts.every(Boolean)).toBe(true);
  });
});
