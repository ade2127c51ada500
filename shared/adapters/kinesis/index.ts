export { type KinesisCheckpointStore, MemoryKinesisCheckpoints } from './kinesis-checkpoints.ts';
export { createKinesisClient } from './kinesis-client.ts';
export { KinesisRangeReader, type ShardRange, type ShardRangeRecord } from './kinesis-range-reader.ts';
export { KinesisStreamConsumer, type KinesisStreamConsumerOptions } from './kinesis-stream-consumer.ts';
export {
  KinesisStreamProducer,
  type KinesisStreamProducerOptions,
  type PutRecordsClient,
} from './kinesis-stream-producer.ts';
export {
  KINESIS_LIMITS,
  nextRequestSize,
  type PutRecordsEntryResult,
  type PutRecordsLimits,
  planResend,
  recordSize,
} from './put-records-plan.ts';
