import { presentedToken, type ServerRegistry } from '@geqo/shared/app/servers';
import type { Logger } from '@geqo/shared/ports';
import type { FlushableMetrics } from '../lib/emf-metrics.ts';
import { withMetrics } from '../lib/observability.ts';
import { type AuthorizerResult, headerOf, type WebSocketAuthorizerEvent } from '../lib/websocket.ts';

export interface WsAuthorizerDeps {
  servers: Pick<ServerRegistry, 'authenticate'>;
  logger: Logger;
  metrics: FlushableMetrics;
}

/** The token of a plugin connection: `Authorization: Bearer <token>`, or `?token=` as the fallback. */
export function tokenOf(event: WebSocketAuthorizerEvent): string | null {
  return presentedToken(headerOf(event.headers, 'authorization'), event.queryStringParameters?.token);
}

function policy(principalId: string, effect: 'Allow', resource: string): AuthorizerResult {
  return {
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
    },
  };
}

/**
 * `$connect` REQUEST authorizer of the plugin WebSocket API: the token alone identifies the
 * server. Allowed connections carry `serverId` in the authorizer context, which every later
 * message of the connection receives; anything else is refused at connect (401), never later. A
 * database failure is thrown (API Gateway answers 500 and the plugin reconnects).
 */
export function makeHandler(deps: WsAuthorizerDeps) {
  const { servers, logger, metrics } = deps;
  return (event: WebSocketAuthorizerEvent): Promise<AuthorizerResult> =>
    withMetrics(metrics, async () => {
      const connectionId = event.requestContext.connectionId;
      const result = await servers.authenticate(tokenOf(event));
      if (!result.ok) {
        metrics.count('plugin_connections_refused', 1, { reason: result.reason });
        logger.warn('plugin connection refused', { connectionId, reason: result.reason });
        // The exact message "Unauthorized" makes API Gateway answer 401 (DESIGN.md section 3); a
        // Deny policy would give 403.
        throw new Error('Unauthorized');
      }
      metrics.count('plugin_connections_allowed');
      logger.info('plugin connection allowed', { connectionId, serverId: result.serverId });
      return {
        ...policy(result.serverId, 'Allow', event.methodArn),
        context: { serverId: result.serverId, serverName: result.name },
      };
    });
}
