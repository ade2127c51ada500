import {
  PostToConnectionCommand,
  type PostToConnectionCommandOutput,
} from '@aws-sdk/client-apigatewaymanagementapi';
import type { ConnectionSender, SendOutcome } from '../../ports/index.ts';

/** The one call the sender makes; an `ApiGatewayManagementApiClient` fits, and so does a test double. */
export interface PostToConnectionClient {
  send(command: PostToConnectionCommand): Promise<PostToConnectionCommandOutput>;
}

const encoder = new TextEncoder();

/**
 * Delivers a message to one dashboard connection through the API Gateway Management API
 * (`PostToConnection`). A connection that is gone answers 410 (`GoneException`): that is an
 * expected outcome, returned as `'gone'` so the broadcaster forgets that connection id. Any other
 * failure (throttling, a payload over 128 KB, missing permissions) is thrown.
 */
export class ApiGatewayConnectionSender implements ConnectionSender {
  constructor(private readonly client: PostToConnectionClient) {}

  async send(connectionId: string, message: Uint8Array | string): Promise<SendOutcome> {
    try {
      await this.client.send(
        new PostToConnectionCommand({
          ConnectionId: connectionId,
          Data: typeof message === 'string' ? encoder.encode(message) : message,
        }),
      );
      return 'sent';
    } catch (error) {
      if (isGone(error)) return 'gone';
      throw error;
    }
  }
}

/** `GoneException`, or a bare 410 from an endpoint that does not name the error. */
function isGone(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as Error & { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === 'GoneException' || status === 410;
}
