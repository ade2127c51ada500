import { describe, expect, it } from 'vitest';
import { RecordingLogger, RecordingMetrics } from '../test/doubles.ts';
import { wsConnectEvent, wsDisconnectEvent } from '../test/factories.ts';
import { makeHandler as makeDisconnect } from '../ws-disconnect/make-handler.ts';
import { makeHandler } from './make-handler.ts';

describe('plugin connect and disconnect handlers', () => {
  it('accepts an authorized connection and logs its server id', async () => {
    // Prepare
    const logger = new RecordingLogger();
    const handler = makeHandler({ logger, metrics: new RecordingMetrics() });
    // Act
    const result = await handler(
      wsConnectEvent({ connectionId: 'c-1', authorizer: { serverId: 'srv_0123456789ab' } }),
    );
    // Assess
    expect(result).toEqual({ statusCode: 200 });
    expect(logger.lines).toEqual([
      {
        level: 'info',
        message: 'plugin connected',
        fields: { connectionId: 'c-1', serverId: 'srv_0123456789ab' },
      },
    ]);
  });

  it('logs a disconnect with its close code', async () => {
    const logger = new RecordingLogger();
    const metrics = new RecordingMetrics();
    const handler = makeDisconnect({ logger, metrics });
    const result = await handler(wsDisconnectEvent({ connectionId: 'c-1', statusCode: 1001 }));
    expect(result).toEqual({ statusCode: 200 });
    expect(logger.lines[0]?.fields).toMatchObject({ connectionId: 'c-1', closeCode: 1001 });
    expect(metrics.counts.get('plugin_disconnects')).toBe(1);
  });
});
