import { SendMessageCommand, type SendMessageCommandOutput } from '@aws-sdk/client-sqs';
import type { KinesisOnFailureRecord, OnFailureDestination } from './event-source-batch.ts';

/** The one call the destination makes; an `SQSClient` fits. */
export interface SendMessageClient {
  send(command: SendMessageCommand): Promise<SendMessageCommandOutput>;
}

/**
 * An SQS queue as an event source mapping's on-failure destination: each discarded batch is one
 * message whose body is the invocation record, as Lambda sends it (metadata, no record data).
 */
export class SqsOnFailureDestination implements OnFailureDestination {
  constructor(
    private readonly client: SendMessageClient,
    private readonly queueUrl: string,
  ) {}

  async send(record: KinesisOnFailureRecord): Promise<void> {
    await this.client.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(record) }),
    );
  }
}
