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
  if (config.iamAuth) {
    // MSK Serverless only accepts SASL/IAM over TLS, which the Kafka adapter does not speak yet:
    // fail the cold start with the reason rather than every put with a connection error.
    throw new Error(
      'KAFKA_IAM_AUTH=true, but the Kafka adapter has no MSK IAM (SASL OAUTHBEARER + TLS) support yet',
    );
  }
  const { KafkaStreamProducer } = await import('@geqo/shared/adapters/kafka');
  return new KafkaStreamProducer({ brokers: config.brokers, clientId });
}
