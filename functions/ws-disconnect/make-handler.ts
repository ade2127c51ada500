import type { Logger, Metrics } from '@geqo/shared/ports';
import type { WebSocketEvent, WebSocketResult } from '../lib/websocket.ts';

export interface WsDisconnectDeps {
  logger: Logger;
  metrics: Metrics;
}

/**
 * `$disconnect` of the plugin WebSocket API. Plugins keep their unacked frames and resend them
 * after reconnecting, so nothing is cleaned up here; the close code tells idle timeouts (1001
 * after 10 min, or the 2 h limit) from client closes.
 */
export function makeHandler({ logger, metrics }: WsDisconnectDeps) {
  return async (event: WebSocketEvent): Promise<WebSocketResult> => {
    const { connectionId, authorizer, disconnectStatusCode, disconnectReason } = event.requestContext;
    metrics.count('plugin_disconnects');
    logger.info('plugin disconnected', {
      connectionId,
      serverId: authorizer?.serverId,
      closeCode: disconnectStatusCode,
      closeReason: disconnectReason || undefined,
    });
    return { statusCode: 200 };
  };
}
