import { createKinesisClient, KinesisStreamProducer } from '@geqo/shared/adapters/kinesis';
import type { StreamProducer } from '@geqo/shared/ports';
import type { StreamConfig } from './stream-config.ts';

/**
 * The producer of the configured engine: Kinesis `PutRecords`, or a Kafka producer to MSK. The
 * Kafka adapter is imported only when asked for: the bundle carries it, but a Kinesis function
 * never evaluates it, which keeps hundreds of milliseconds off every Kinesis cold start.
 */
export async function createStreamProducer(config: StreamConfig, clientId: string): Promise<StreamProducer> {
  if (config.engine === 'kinesis') {
    return new KinesisStreamProducer(
      createKinesisClient({
        region: config.region,
        ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      }),
    );
  }
  // MSK Serverless takes only SASL/IAM over TLS: the adapter signs a token per connection with
  // the function's own credentials.
  const { createKafkaProducer } = await import('@geqo/shared/adapters/kafka');
  return createKafkaProducer({
    brokers: config.brokers,
    clientId,
    region: config.region,
    iamAuth: config.iamAuth,
  });
}
