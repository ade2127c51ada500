import {
  PostToConnectionCommand,
  type PostToConnectionCommandOutput,
} from '@aws-sdk/client-apigatewaymanagementapi';
import type { ConnectionSender, SendOutcome } from '../../ports/index.ts';
import { isProgrammerError, PipelineError } from '../../ports/index.ts';

/** The one call the sender makes; an `ApiGatewayManagementApiClient` fits, and so does a test double. */
export interface PostToConnectionClient {
  send(command: PostToConnectionCommand): Promise<PostToConnectionCommandOutput>;
}

const encoder = new TextEncoder();

/**
 * Delivers a message to one dashboard connection through the API Gateway Management API
 * (`PostToConnection`). A connection that is gone answers 410 (`GoneException`): that is an
 * expected outcome, returned as `'gone'` so the broadcaster forgets that connection id. Any other
 * failure is thrown as a {@link PipelineError} `POST_TO_CONNECTION` keeping the SDK error as its
 * cause: retriable for throttling (429), a server error (5xx) or no answer at all; not for a
 * payload over 128 KB (413), missing permissions (403) or another 4xx.
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
      if (isProgrammerError(error)) throw error;
      const status = statusOf(error);
      const retriable = status === undefined || status === 429 || status >= 500;
      const name = error instanceof Error ? error.name : 'Error';
      throw new PipelineError(
        'POST_TO_CONNECTION',
        `PostToConnection to ${connectionId} failed: ${name}${status === undefined ? '' : ` (${status})`}`,
        retriable,
        { cause: error },
      );
    }
  }
}

/** `GoneException`, or a bare 410 from an endpoint that does not name the error. */
function isGone(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'GoneException' || statusOf(error) === 410;
}

/** The HTTP status the SDK saw, if an answer came at all. */
function statusOf(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  return (error as Error & { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}
