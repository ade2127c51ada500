import { handleDashboardMessage } from '@geqo/shared/app/broadcast';
import type { ConnectionRegistry, Logger } from '@geqo/shared/ports';
import type { FlushableMetrics } from '../lib/emf-metrics.ts';
import { withMetrics } from '../lib/observability.ts';
import { jsonReply, type WebSocketEvent, type WebSocketResult } from '../lib/websocket.ts';

export interface DashboardWsDeps {
  registry: ConnectionRegistry;
  logger: Logger;
  metrics: FlushableMetrics;
}

/**
 * Every route of the dashboard WebSocket API (`$connect`, `subscribe`, `unsubscribe`,
 * `$default`, `$disconnect`; routes are chosen on `$request.body.action`). Messages go to
 * `handleDashboardMessage`, whose reply is the route response; `$disconnect` forgets the
 * connection's subscriptions.
 */
export function makeHandler({ registry, logger, metrics }: DashboardWsDeps) {
  return (event: WebSocketEvent): Promise<WebSocketResult> =>
    withMetrics(metrics, async () => {
      const { connectionId, eventType } = event.requestContext;
      switch (eventType) {
        case 'CONNECT':
          metrics.count('dashboard_connects');
          logger.info('dashboard connected', { connectionId });
          return { statusCode: 200 };
        case 'DISCONNECT':
          await registry.remove(connectionId);
          metrics.count('dashboard_disconnects');
          logger.info('dashboard disconnected', { connectionId });
          return { statusCode: 200 };
        case 'MESSAGE': {
          const body = event.isBase64Encoded
            ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
            : (event.body ?? '');
          const reply = await handleDashboardMessage(registry, connectionId, body);
          if (reply.type === 'error')
            logger.warn('dashboard message refused', { connectionId, code: reply.code });
          else if (reply.type !== 'pong')
            logger.info(`dashboard ${reply.type}`, { connectionId, topic: reply.topic });
          return jsonReply(reply);
        }
        default: {
          const unexpected: never = eventType;
          throw new TypeError(`unknown WebSocket event type ${String(unexpected)}`);
        }
      }
    });
}
