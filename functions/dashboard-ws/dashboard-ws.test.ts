import { MemoryConnectionRegistry } from '@geqo/shared/adapters/memory';
import { describe, expect, it } from 'vitest';
import { RecordingLogger, RecordingMetrics } from '../test/doubles.ts';
import { wsConnectEvent, wsDisconnectEvent, wsMessageEvent } from '../test/factories.ts';
import { makeHandler } from './make-handler.ts';

function setup() {
  const registry = new MemoryConnectionRegistry();
  return {
    registry,
    handler: makeHandler({ registry, logger: new RecordingLogger(), metrics: new RecordingMetrics() }),
  };
}

describe('dashboard-ws handler', () => {
  it('accepts a connection', async () => {
    const { handler } = setup();
    expect(await handler(wsConnectEvent({ connectionId: 'd-1' }))).toEqual({ statusCode: 200 });
  });

  it('subscribes to a match and answers on the route response', async () => {
    // Prepare
    const { registry, handler } = setup();
    const event = wsMessageEvent('{"action":"subscribe","matchId":"m-42"}', {
      connectionId: 'd-1',
      routeKey: 'subscribe',
    });
    // Act
    const result = await handler(event);
    // Assess
    expect(result).toEqual({ statusCode: 200, body: JSON.stringify({ type: 'subscribed', topic: 'm-42' }) });
    expect(await registry.subscribers('m-42')).toEqual(['d-1']);
  });

  it('unsubscribes from the match list', async () => {
    const { registry, handler } = setup();
    await registry.subscribe('d-1', 'matches');
    const result = await handler(
      wsMessageEvent('{"action":"unsubscribe","topic":"matches"}', {
        connectionId: 'd-1',
        routeKey: 'unsubscribe',
      }),
    );
    expect(JSON.parse(result.body!)).toEqual({ type: 'unsubscribed', topic: 'matches' });
    expect(await registry.subscribers('matches')).toEqual([]);
  });

  it('answers a bad message on $default with an error code', async () => {
    const { handler } = setup();
    const result = await handler(wsMessageEvent('{"action":"dance"}', { routeKey: '$default' }));
    expect(JSON.parse(result.body!)).toMatchObject({ type: 'error', code: 'BAD_ACTION' });
  });

  it('answers a ping on $default with a pong, so a listening dashboard outlives the 10-minute idle timeout', async () => {
    const { handler } = setup();
    const result = await handler(wsMessageEvent('{"action":"ping"}', { routeKey: '$default' }));
    expect(JSON.parse(result.body!)).toEqual({ type: 'pong' });
  });

  it('removes every subscription of a connection on $disconnect', async () => {
    const { registry, handler } = setup();
    await registry.subscribe('d-1', 'm-1');
    await registry.subscribe('d-1', 'matches');
    await registry.subscribe('d-2', 'm-1');
    await handler(wsDisconnectEvent({ connectionId: 'd-1' }));
    expect(await registry.subscribers('m-1')).toEqual(['d-2']);
    expect(await registry.subscribers('matches')).toEqual([]);
  });
});
