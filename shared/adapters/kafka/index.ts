export { kafkaConnectionOptions, type MskIamAuth } from './kafka-connection.ts';
export {
  type DeadLetterOnTopic,
  deadLetterTopicOf,
  decodeDeadLetterRecord,
  encodeDeadLetterRecord,
  KafkaDeadLetterReplays,
  KafkaDeadLetterTopic,
  readDeadLetterTopic,
} from './kafka-dead-letters.ts';
export { isRetriableKafkaError, kafkaWriteError } from './kafka-errors.ts';
export { KafkaLiveConsumer, type KafkaLiveConsumerOptions } from './kafka-live-consumer.ts';
export { KafkaStreamConsumer, type KafkaStreamConsumerOptions } from './kafka-stream-consumer.ts';
export {
  createKafkaProducer,
  KafkaStreamProducer,
  type KafkaStreamProducerOptions,
} from './kafka-stream-producer.ts';
export {
  type EnsureTopicsOptions,
  ensureKafkaTopics,
  gameEventTopics,
  KafkaUnreachableError,
  type TopicDifference,
  type TopicOutcome,
  type TopicSpec,
} from './kafka-topics.ts';
export {
  type AwsCredentials,
  type AwsCredentialsProvider,
  credentialsFromEnvironment,
  mskIamToken,
} from './msk-iam-token.ts';
