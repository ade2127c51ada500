import { ProduceAcks, Producer } from '@platformatic/kafka';
import { PipelineError } from '../../app/errors/index.ts';
import type { StreamProducer, StreamRecord } from '../../ports/index.ts';
import { kafkaConnectionOptions, type MskIamAuth } from './kafka-connection.ts';
import { kafkaWriteError } from './kafka-errors.ts';

export interface KafkaStreamProducerOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: string[];
  clientId?: string;
  /** Let the broker create a missing topic (local runs); MSK clusters usually refuse anyway. */
  autocreateTopics?: boolean;
  /** Per-request timeout in ms (default 10 s). */
  timeoutMs?: number;
  /** MSK with IAM access control; unset for a plain broker. */
  iam?: MskIamAuth;
}

/**
 * Puts records on Kafka (or MSK): topic = stream name, message key = partition key (the server id),
 * so every record of a server lands on one partition, in order. The producer is idempotent with
 * `acks=all`: the client's own retries neither duplicate nor reorder a partition's records, and a
 * put resolves only when the in-sync replicas have them. A failure rejects with a `PipelineError`
 * (`STREAM_WRITE`) whose `retriable` says whether trying again can help.
 */
export class KafkaStreamProducer implements StreamProducer {
  private readonly producer: Producer;
  private closed = false;

  constructor(options: KafkaStreamProducerOptions) {
    this.producer = new Producer({
      clientId: options.clientId ?? 'geqo-producer',
      bootstrapBrokers: options.brokers,
      idempotent: true,
      acks: ProduceAcks.ALL,
      autocreateTopics: options.autocreateTopics ?? false,
      timeout: options.timeoutMs ?? 10_000,
      retries: 3,
      ...kafkaConnectionOptions(options.iam),
    });
  }

  async put(stream: string, records: readonly StreamRecord[]): Promise<void> {
    if (this.closed) throw new PipelineError('STREAM_CLOSED', 'producer closed', false);
    if (records.length === 0) return;
    try {
      await this.producer.send({
        messages: records.map((record) => ({
          topic: stream,
          key: Buffer.from(record.partitionKey, 'utf8'),
          value: Buffer.from(record.data.buffer, record.data.byteOffset, record.data.byteLength),
        })),
      });
    } catch (error) {
      throw kafkaWriteError(stream, error);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.producer.close();
  }
}

/**
 * The producer a Lambda function uses for `STREAM_ENGINE=kafka`: MSK with IAM auth (credentials
 * from the function's environment) unless `iamAuth` is false.
 */
export function createKafkaProducer(options: {
  brokers: string[];
  clientId: string;
  region: string;
  iamAuth: boolean;
}): KafkaStreamProducer {
  return new KafkaStreamProducer({
    brokers: options.brokers,
    clientId: options.clientId,
    ...(options.iamAuth ? { iam: { region: options.region } } : {}),
  });
}
