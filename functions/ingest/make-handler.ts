import type { FrameIngestor, IngestReply } from '@geqo/shared/app/ingest';
import type { Logger } from '@geqo/shared/ports';
import type { FlushableMetrics } from '../lib/emf-metrics.ts';
import { withMetrics } from '../lib/observability.ts';
import { jsonReply, type WebSocketEvent, type WebSocketResult } from '../lib/websocket.ts';

export interface IngestDeps {
  ingestor: Pick<FrameIngestor, 'ingest'>;
  logger: Logger;
  metrics: FlushableMetrics;
}

/**
 * `$default` route of the plugin WebSocket API: the body is one frame as base64 text (API
 * Gateway drops binary frames; a binary message that does arrive is `isBase64Encoded`). The
 * server id is the one the `$connect` authorizer proved; the reply (ack or error, JSON) is the
 * route response, which API Gateway sends back on the same connection.
 */
export function makeHandler({ ingestor, logger, metrics }: IngestDeps) {
  return (event: WebSocketEvent): Promise<WebSocketResult> =>
    withMetrics(metrics, async () => {
      const { connectionId, authorizer } = event.requestContext;
      const serverId = authorizer?.serverId;
      if (typeof serverId !== 'string' || serverId === '') {
        // Only a misconfigured route (no authorizer on $connect) gets here.
        logger.error('message without an authorized server id', { connectionId });
        const reply: IngestReply = {
          type: 'error',
          code: 'UNAUTHORIZED',
          message: 'this connection is not authenticated',
        };
        return jsonReply(reply);
      }
      const body = event.body ?? '';
      const message = event.isBase64Encoded ? new Uint8Array(Buffer.from(body, 'base64')) : body;
      return jsonReply(await ingestor.ingest(serverId, message));
    });
}
