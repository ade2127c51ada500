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
import type { Watch } from './pipeline-alarms.ts';

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
      // Raw frames are the source of truth until stored: keep a week for replays. A provisioned
      // shard bills retention past a day by the hour ($0.02, more than the shard's idle cost
      // again): the small profile keeps a day, poison records still wait 14 days in the DLQ.
      [RAW_STREAM]: stream(RAW_STREAM, props.onDemand ? Duration.days(7) : Duration.hours(24)),
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

  putFailures(): Watch[] {
    const period = Duration.minutes(5);
    return Object.entries(this.streams).flatMap(([name, stream]) => [
      {
        name: `${name}-put-failures`,
        description: `${stream.streamName}: records PutRecords could not store (the producer retries, then fails)`,
        metric: stream.metricPutRecordsFailedRecords({ period, statistic: 'Sum' }),
        threshold: 1,
      },
      {
        name: `${name}-write-throttled`,
        description: `${stream.streamName}: writes over its capacity (WriteProvisionedThroughputExceeded): add shards or use production`,
        metric: stream.metricWriteProvisionedThroughputExceeded({ period, statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 2,
      },
    ]);
  }

  consumerLag(consumer: lambda.IFunction) {
    return {
      metric: consumer.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) }),
      threshold: 60_000,
      unit: 'ms',
    };
  }
}
