import type { AddressInfo } from 'node:net';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { createSqsServer } from 'local-aws-sqs';
import { createSqsClient } from '../../shared/adapters/sqs/index.ts';

export interface SqsLocal {
  /** For `createSqsClient({ endpoint, region })`. */
  endpoint: string;
  region: string;
  /** Creates a queue and returns its URL. */
  createQueue(name: string): Promise<string>;
  /** Closes the server (queues and messages are gone). */
  stop(): Promise<void>;
}

const REGION = 'us-east-1';

/**
 * Starts local-aws-sqs (an SQS server speaking the JSON protocol the current SDK uses) inside this
 * process on a free loopback port. Use a unique queue name per test.
 */
export async function startSqsLocal(): Promise<SqsLocal> {
  const server = await createSqsServer({
    port: 0,
    hostname: '127.0.0.1',
    region: REGION,
    // Tests create uniquely named queues; no need to emulate AWS's 60 s wait after a delete.
    emulateQueueCreationLifecycle: false,
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    region: REGION,
    createQueue: async (name) => {
      const client = createSqsClient({ endpoint, region: REGION });
      try {
        const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name }));
        if (!QueueUrl) throw new Error(`local-aws-sqs created ${name} without a URL`);
        return QueueUrl;
      } finally {
        client.destroy();
      }
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
