import type { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { StreamEngine } from '../settings.ts';
import type { VpcPlacement } from './geqo-function.ts';
import type { Watch } from './pipeline-alarms.ts';

export const RAW_STREAM = 'raw-game-events';
export const PROCESSED_STREAM = 'processed-game-events';

export type StreamName = typeof RAW_STREAM | typeof PROCESSED_STREAM;

/** How a consumer's event source mapping reads its stream (DESIGN.md section 2). */
export interface ConsumerSettings {
  batchSize: number;
  maxBatchingWindow: Duration;
  /** Bounded: one poison batch must never block a shard forever. */
  retryAttempts: number;
  maxRecordAge: Duration;
  bisectBatchOnError: boolean;
  /** Where the mapping sends the metadata of a batch it gave up on. */
  onFailure?: lambda.IEventSourceDlq;
  startFrom: 'oldest' | 'latest';
  /** Kinesis only: concurrent batches per shard (order per partition key is kept). */
  parallelizationFactor?: number;
  /** Kafka only: the consumer group. */
  consumerGroup: string;
}

/**
 * The two streams on one engine: what producers need (environment, grants, placement) and the
 * event sources of the worker and the broadcaster. Kinesis and MSK both implement it, so the
 * rest of the app does not know which one it runs on.
 */
export interface EventStreams {
  readonly engine: StreamEngine;
  /** Each stream's (or topic's) deployed name, per stage: `geqo-<stage>-raw-game-events`. */
  readonly names: Record<StreamName, string>;
  /** `STREAM_ENGINE` and the engine's own variables, for every producer. */
  readonly producerEnvironment: Record<string, string>;
  /** Set when producers must run inside the VPC (MSK). */
  readonly producerPlacement?: VpcPlacement;
  grantWrite(producer: lambda.IFunction, stream: StreamName): void;
  /** Adds the consumer's event source (and what it needs to read) to `consumer`. */
  consume(consumer: lambda.IFunction, stream: StreamName, settings: ConsumerSettings): void;
  /** Records a producer could not put (failed or throttled): none on MSK, where a failed send fails the function. */
  putFailures(): Watch[];
  /** How far behind a consumer is: iterator age (ms) on Kinesis, offset lag (records) on MSK. */
  consumerLag(consumer: lambda.IFunction): { metric: cloudwatch.Metric; threshold: number; unit: string };
}
