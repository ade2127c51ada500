import {
  deadLetterTopicOf,
  KafkaDeadLetterTopic,
  KafkaLiveConsumer,
  KafkaStreamProducer,
} from '@geqo/shared/adapters/kafka';
import { MemoryStream } from '@geqo/shared/adapters/memory';
import type { DeadLetterSink, Logger, StreamConsumer, StreamProducer } from '@geqo/shared/ports';
import type { LocalConfig } from '../config.ts';

export interface ProcessedStream {
  /** Where the worker (and the idle-match sweep) put processed messages. */
  producer: StreamProducer;
  /** The broadcaster's reader; null in a process without the broadcaster role. */
  consumer: StreamConsumer | null;
  /**
   * Shared with other processes (Kafka): a worker cannot know which topics their dashboards follow,
   * so it publishes every message.
   */
  shared: boolean;
  /** Kafka: the dead-letter topic the worker's letters go to as well as the table. */
  deadLetterTopic: DeadLetterSink | null;
  close(): Promise<void>;
}

/**
 * The processed stream between the worker and the broadcaster. With Kafka it is the topic
 * `processed-game-events`, which every broadcaster process reads whole from its end on (a consumer
 * group of its own), so a dashboard on any process sees every match whichever worker applied it.
 * Otherwise it stays in this process's memory: live updates need no durability, and with one
 * process the worker and the broadcaster are side by side.
 */
export async function openProcessedStream(
  config: Pick<LocalConfig, 'stream' | 'kafkaBrokers' | 'processedStream' | 'rawStream'>,
  broadcaster: boolean,
  logger: Logger,
): Promise<ProcessedStream> {
  if (config.stream !== 'kafka') {
    const memory = new MemoryStream();
    return {
      producer: memory,
      consumer: broadcaster ? memory.consumer(config.processedStream, 'broadcaster') : null,
      shared: false,
      deadLetterTopic: null,
      close: async () => {},
    };
  }
  const producer = new KafkaStreamProducer({
    brokers: config.kafkaBrokers,
    clientId: 'geqo-processed',
    autocreateTopics: true,
  });
  const consumer = broadcaster
    ? new KafkaLiveConsumer({
        brokers: config.kafkaBrokers,
        stream: config.processedStream,
        groupPrefix: 'geqo-broadcaster',
        autocreateTopics: true,
      })
    : null;
  try {
    // Joined before the process says it is ready: what is published after that is delivered.
    await consumer?.start();
  } catch (error) {
    await consumer?.close();
    await producer.close();
    throw error;
  }
  if (consumer)
    logger.info('reading the processed stream', { stream: config.processedStream, group: consumer.group });
  return {
    producer,
    consumer,
    shared: true,
    deadLetterTopic: new KafkaDeadLetterTopic(producer, deadLetterTopicOf(config.rawStream)),
    close: async () => {
      await consumer?.close();
      await producer.close();
    },
  };
}
