import { ServerRegistry } from '@geqo/shared/app/servers';
import { describe, expect, it } from 'vitest';
import { MemoryServerRepository, RecordingLogger, RecordingMetrics } from '../test/doubles.ts';
import { wsAuthorizerEvent } from '../test/factories.ts';
import { makeHandler } from './make-handler.ts';

async function setup() {
  const repository = new MemoryServerRepository();
  const servers = new ServerRegistry(repository);
  const added = await servers.add('EU Scrim #1');
  const logger = new RecordingLogger();
  const handler = makeHandler({ servers, logger, metrics: new RecordingMetrics() });
  return { servers, added, handler, logger };
}

describe('ws-authorizer handler', () => {
  it('allows a valid bearer token with the server id as principal and in the context', async () => {
    // Prepare
    const { added, handler } = await setup();
    const event = wsAuthorizerEvent({ headers: { Authorization: `Bearer ${added.token}` } });
    // Act
    const result = await handler(event);
    // Assess
    expect(result.principalId).toBe(added.serverId);
    expect(result.context).toEqual({ serverId: added.serverId, serverName: 'EU Scrim #1' });
    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn },
    ]);
  });

  it('accepts the token from the query string when there is no Authorization header', async () => {
    const { added, handler } = await setup();
    const result = await handler(wsAuthorizerEvent({ query: { token: added.token } }));
    expect(result.policyDocument.Statement[0]?.Effect).toBe('Allow');
    expect(result.context?.serverId).toBe(added.serverId);
  });

  it('reads the header whatever its case', async () => {
    const { added, handler } = await setup();
    const result = await handler(wsAuthorizerEvent({ headers: { authorization: `bearer ${added.token}` } }));
    expect(result.policyDocument.Statement[0]?.Effect).toBe('Allow');
  });

  it.each([
    ['no token at all', {}],
    ['a malformed token', { headers: { Authorization: 'Bearer nope' } }],
    ['a wrong secret', { headers: { Authorization: `Bearer srv_0123456789ab.${'x'.repeat(43)}` } }],
  ])('refuses %s with 401 (the "Unauthorized" error)', async (_label, options) => {
    const { handler, logger } = await setup();
    await expect(handler(wsAuthorizerEvent(options))).rejects.toThrow(/^Unauthorized$/);
    expect(logger.lines.at(-1)?.level).toBe('warn');
  });

  it('refuses a revoked server with 401', async () => {
    const { added, handler, servers } = await setup();
    await servers.revoke(added.serverId);
    await expect(
      handler(wsAuthorizerEvent({ headers: { Authorization: `Bearer ${added.token}` } })),
    ).rejects.toThrow(/^Unauthorized$/);
  });

  it('lets a database failure through (API Gateway answers 500, the plugin retries)', async () => {
    const handler = makeHandler({
      servers: { authenticate: async () => Promise.reject(new Error('connection refused')) },
      logger: new RecordingLogger(),
      metrics: new RecordingMetrics(),
    });
    await expect(handler(wsAuthorizerEvent({ query: { token: 'x' } }))).rejects.toThrow('connection refused');
  });
});
