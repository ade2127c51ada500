import { Duration } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import {
  type ConsumerSettings,
  type EventStreams,
  PROCESSED_STREAM,
  RAW_STREAM,
  type StreamName,
} from './event-streams.ts';

/**
 * `raw-game-events` and `processed-game-events` as Kinesis Data Streams: on demand (production,
 * about $29 a month each at rest, scales itself) or one provisioned shard each (small, about $11 a
 * month each: 1 MB/s or 1,000 records/s in, plenty for a few servers).
 */
export interface KinesisEventStreamsProps {
  names: Record<StreamName, string>;
  onDemand: boolean;
}

export class KinesisEventStreams extends Construct implements EventStreams {
  readonly engine = 'kinesis' as const;
  readonly names: Record<StreamName, string>;
  readonly streams: Record<StreamName, kinesis.Stream>;
  readonly producerEnvironment: Record<string, string> = { STREAM_ENGINE: 'kinesis' };

  constructor(scope: Construct, id: string, props: KinesisEventStreamsProps) {
    super(scope, id);
    this.names = props.names;
    const stream = (name: StreamName, retention: Duration) =>
      new kinesis.Stream(this, name, {
        streamName: props.names[name],
        ...(props.onDemand
          ? { streamMode: kinesis.StreamMode.ON_DEMAND }
          : { streamMode: kinesis.StreamMode.PROVISIONED, shardCount: 1 }),
        encryption: kinesis.StreamEncryption.MANAGED,
        retentionPeriod: retention,
      });
    this.streams = {
      // Raw frames are the source of truth until stored: keep a week for replays.
      [RAW_STREAM]: stream(RAW_STREAM, Duration.days(7)),
      // Live updates have no value after a day.
      [PROCESSED_STREAM]: stream(PROCESSED_STREAM, Duration.hours(24)),
    };
  }

  grantWrite(producer: lambda.IFunction, name: StreamName): void {
    this.streams[name].grantWrite(producer);
  }

  consume(consumer: lambda.IFunction, name: StreamName, settings: ConsumerSettings): void {
    consumer.addEventSource(
      new KinesisEventSource(this.streams[name], {
        startingPosition:
          settings.startFrom === 'oldest'
            ? lambda.StartingPosition.TRIM_HORIZON
            : lambda.StartingPosition.LATEST,
        batchSize: settings.batchSize,
        maxBatchingWindow: settings.maxBatchingWindow,
        retryAttempts: settings.retryAttempts,
        maxRecordAge: settings.maxRecordAge,
        bisectBatchOnError: settings.bisectBatchOnError,
        reportBatchItemFailures: true,
        parallelizationFactor: settings.parallelizationFactor ?? 1,
        ...(settings.onFailure ? { onFailure: settings.onFailure } : {}),
      }),
    );
  }

  consumerLag(consumer: lambda.IFunction) {
    return {
      metric: consumer.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) }),
      threshold: 60_000,
      unit: 'ms',
    };
  }
}
