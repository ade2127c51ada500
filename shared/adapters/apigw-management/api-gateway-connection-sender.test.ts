import {
  ForbiddenException,
  GoneException,
  LimitExceededException,
  PayloadTooLargeException,
  type PostToConnectionCommand,
  type PostToConnectionCommandOutput,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../ports/index.ts';
import { ApiGatewayConnectionSender } from './api-gateway-connection-sender.ts';

/** Answers every PostToConnection with `outcome` and keeps what was posted. */
function managementApi(outcome: Error | 'ok') {
  const posted: { connectionId: string | undefined; data: string }[] = [];
  return {
    posted,
    send: async (command: PostToConnectionCommand): Promise<PostToConnectionCommandOutput> => {
      posted.push({
        connectionId: command.input.ConnectionId,
        data: new TextDecoder().decode(command.input.Data as Uint8Array),
      });
      if (outcome !== 'ok') throw outcome;
      return { $metadata: { httpStatusCode: 200 } };
    },
  };
}

describe('ApiGatewayConnectionSender', () => {
  it('posts a string as UTF-8 bytes to the connection id', async () => {
    // Prepare
    const api = managementApi('ok');
    const sender = new ApiGatewayConnectionSender(api);

    // Act
    const outcome = await sender.send('conn-1', '{"type":"round","label":"é"}');

    // Assess
    expect(outcome).toBe('sent');
    expect(api.posted).toEqual([{ connectionId: 'conn-1', data: '{"type":"round","label":"é"}' }]);
  });

  it('answers gone for GoneException', async () => {
    // Prepare
    const sender = new ApiGatewayConnectionSender(
      managementApi(new GoneException({ message: 'gone', $metadata: { httpStatusCode: 410 } })),
    );

    // Act
    const outcome = await sender.send('conn-1', new Uint8Array([123, 125]));

    // Assess
    expect(outcome).toBe('gone');
  });

  it('answers gone for a bare 410 whose error the SDK cannot name', async () => {
    // Prepare: what the SDK makes of a 410 without an error type header.
    const unnamed = Object.assign(new Error('UnknownError'), {
      name: 'Unknown',
      $metadata: { httpStatusCode: 410 },
    });
    const sender = new ApiGatewayConnectionSender(managementApi(unnamed));

    // Act
    const outcome = await sender.send('conn-1', '{}');

    // Assess
    expect(outcome).toBe('gone');
  });

  it.each([
    [
      'throttling',
      new LimitExceededException({ message: 'slow down', $metadata: { httpStatusCode: 429 } }),
      true,
    ],
    [
      'a server error',
      Object.assign(new Error('boom'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } }),
      true,
    ],
    ['no answer at all', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
    [
      'missing permission',
      new ForbiddenException({ message: 'no', $metadata: { httpStatusCode: 403 } }),
      false,
    ],
    [
      'a message over 128 KB',
      new PayloadTooLargeException({ message: 'too long', $metadata: { httpStatusCode: 413 } }),
      false,
    ],
  ])(
    'throws a PipelineError on %s, retriable: %s, with the SDK error as its cause',
    async (_, error, retriable) => {
      // Prepare
      const sender = new ApiGatewayConnectionSender(managementApi(error));

      // Act
      const outcome = sender.send('conn-1', '{}');

      // Assess
      await expect(outcome).rejects.toBeInstanceOf(PipelineError);
      await expect(outcome).rejects.toMatchObject({ code: 'POST_TO_CONNECTION', retriable, cause: error });
    },
  );
});
