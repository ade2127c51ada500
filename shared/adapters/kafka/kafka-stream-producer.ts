import { ProduceAcks, Producer } from '@platformatic/kafka';
import type { StreamProducer, StreamRecord } from '../../ports/index.ts';
import { PipelineError } from '../../ports/index.ts';
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
  private sending = false;
  private readonly pending: {
    stream: string;
    records: readonly StreamRecord[];
    resolve: () => void;
    reject: (error: unknown) => void;
  }[] = [];

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

  /**
   * Puts are group-sent: one produce request in flight at a time carrying every put waiting for
   * it. Concurrent requests of an idempotent producer otherwise race on the broker's sequence
   * numbers (OUT_OF_ORDER_SEQUENCE_NUMBER), and one at a time keeps each key's order too.
   */
  put(stream: string, records: readonly StreamRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new PipelineError('STREAM_CLOSED', 'producer closed', false));
    if (records.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.pending.push({ stream, records, resolve, reject });
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.pending.length);
        try {
          await this.producer.send({
            messages: batch.flatMap(({ stream, records }) =>
              records.map((record) => ({
                topic: stream,
                key: Buffer.from(record.partitionKey, 'utf8'),
                value: Buffer.from(record.data.buffer, record.data.byteOffset, record.data.byteLength),
              })),
            ),
          });
          for (const put of batch) put.resolve();
        } catch (error) {
          for (const put of batch) put.reject(kafkaWriteError(put.stream, error));
        }
      }
    } finally {
      this.sending = false;
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
