import type { Logger, Metrics } from '@geqo/shared/ports';
import type { WebSocketEvent, WebSocketResult } from '../lib/websocket.ts';

export interface WsConnectDeps {
  logger: Logger;
  metrics: Metrics;
}

/**
 * `$connect` of the plugin WebSocket API, reached only once the authorizer allowed the token:
 * nothing to store (the authorizer context travels with every message), only a log line.
 */
export function makeHandler({ logger, metrics }: WsConnectDeps) {
  return async (event: WebSocketEvent): Promise<WebSocketResult> => {
    const { connectionId, authorizer } = event.requestContext;
    metrics.count('plugin_connects');
    logger.info('plugin connected', { connectionId, serverId: authorizer?.serverId });
    return { statusCode: 200 };
  };
}
