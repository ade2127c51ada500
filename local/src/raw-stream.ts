import type { EventEmitter } from 'node:events';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis';
import { KafkaStreamConsumer, KafkaStreamProducer } from '@geqo/shared/adapters/kafka';
import {
  createKinesisClient,
  KinesisStreamConsumer,
  KinesisStreamProducer,
} from '@geqo/shared/adapters/kinesis';
import { MemoryStream } from '@geqo/shared/adapters/memory';
import { createPool, PostgresPartitionOwnership, PostgresStream } from '@geqo/shared/adapters/postgres';
import type { Logger, Metrics, StreamConsumer, StreamProducer } from '@geqo/shared/ports';
import type pg from 'pg';
import type { LocalConfig } from './config.ts';
import { WORKER_CONSUMER } from './worker-runner.ts';

export interface RawStream {
  producer: StreamProducer;
  consumer: StreamConsumer;
  /** The consumer's checkpoint can go in the worker's own transaction (the PostgreSQL stream). */
  checkpointInTransaction: boolean;
  /** The PostgreSQL stream only: emits `append` with the stream's name after each commit. */
  appended?: EventEmitter;
  /**
   * The PostgreSQL stream only: deletes the records every consumer has committed that are older
   * than `retentionMs`, and says how many (Kinesis and Kafka keep their own retention).
   */
  trim?: (retentionMs: number) => Promise<number>;
  /** Closes what the stream opened of its own (the PostgreSQL stream's connections). */
  close?: () => Promise<void>;
}

/** A local stand-in (no such stream yet) gets the stream made; a real account's streams come from the CDK app. */
async function ensureKinesisStream(client: KinesisClient, stream: string, logger: Logger): Promise<void> {
  try {
    await client.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    logger.info('creating Kinesis stream', { stream });
    await client.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1 }));
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const { StreamDescriptionSummary } = await client.send(
        new DescribeStreamSummaryCommand({ StreamName: stream }),
      );
      if (StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`Kinesis stream ${stream} did not become active`);
  }
}

/**
 * The raw event stream `geqo up` runs on (`GEQO_STREAM` / `--stream`): the durable PostgreSQL
 * stream (default), memory, Kinesis (`GEQO_KINESIS_ENDPOINT` for a stand-in such as
 * kinesis-local or LocalStack) or Kafka (`GEQO_KAFKA_BROKERS`).
 */
export async function openRawStream(
  config: LocalConfig,
  database: { pool: pg.Pool; url: string },
  logger: Logger,
  /** The Kafka consumer's lag and rebalance metrics go here. */
  metrics?: Metrics,
): Promise<RawStream> {
  const { pool } = database;
  switch (config.stream) {
    case 'postgres': {
      // The stream has connections of its own (one INSERT at a time, the trim, a worker on this
      // thread): on the process's shared pool, a dozen slow API requests took every connection,
      // and each ack waited for one until the pool's connection timeout failed it.
      const streamPool = createPool(database.url, { max: 3, applicationName: 'geqo-up-stream' });
      const stream = new PostgresStream(streamPool);
      return {
        close: () => streamPool.end(),
        producer: stream,
        consumer: stream.consumer(config.rawStream, WORKER_CONSUMER),
        checkpointInTransaction: true,
        appended: stream.appended,
        trim: (retentionMs) => stream.trim(config.rawStream, retentionMs),
      };
    }
    case 'memory': {
      const stream = new MemoryStream();
      return {
        producer: stream,
        consumer: stream.consumer(config.rawStream, WORKER_CONSUMER),
        checkpointInTransaction: false,
      };
    }
    case 'kinesis': {
      const client = createKinesisClient({
        region: config.awsRegion,
        ...(config.kinesisEndpoint ? { endpoint: config.kinesisEndpoint } : {}),
      });
      if (config.kinesisEndpoint) await ensureKinesisStream(client, config.rawStream, logger);
      return {
        producer: new KinesisStreamProducer(client),
        consumer: new KinesisStreamConsumer(client, {
          stream: config.rawStream,
          consumerName: WORKER_CONSUMER,
        }),
        checkpointInTransaction: false,
      };
    }
    case 'kafka':
      return {
        producer: new KafkaStreamProducer({ brokers: config.kafkaBrokers, autocreateTopics: true }),
        consumer: new KafkaStreamConsumer({
          brokers: config.kafkaBrokers,
          stream: config.rawStream,
          group: 'geqo-worker',
          // Workers on several processes: each partition fenced by an epoch in PostgreSQL.
          ownership: new PostgresPartitionOwnership(pool),
          ...(metrics ? { metrics } : {}),
        }),
        checkpointInTransaction: false,
      };
    default: {
      const unknown: never = config.stream;
      throw new Error(`unknown stream engine ${String(unknown)}`);
    }
  }
}
