import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNTH_TIMEOUT_MS, type SynthesizedApp, synthApp } from './synth-app.ts';

describe('GeqoPipeline on MSK (streamEngine=msk)', () => {
  let app: SynthesizedApp;

  beforeAll(() => {
    app = synthApp({ streamEngine: 'msk', profile: 'production' });
  }, SYNTH_TIMEOUT_MS);

  afterAll(() => app.cleanup());

  it('replaces the Kinesis streams with an MSK Serverless cluster using IAM auth', async () => {
    app.pipeline.resourceCountIs('AWS::Kinesis::Stream', 0);
    app.pipeline.hasResourceProperties('AWS::MSK::ServerlessCluster', {
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
    });
  });

  it('consumes raw-game-events with the same error handling as on Kinesis, on provisioned pollers', async () => {
    app.pipeline.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      Topics: ['geqo-dev-raw-game-events'],
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'geqo-worker' },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 500,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 21_600,
      ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 4 },
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    app.pipeline.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      Topics: ['geqo-dev-processed-game-events'],
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'geqo-broadcaster' },
      StartingPosition: 'LATEST',
    });
  });

  it('gives producers the brokers and kafka-cluster write access, and alarms on offset lag', async () => {
    app.pipeline.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          STREAM_ENGINE: 'kafka',
          KAFKA_IAM_AUTH: 'true',
          RAW_STREAM: 'geqo-dev-raw-game-events',
        }),
      },
      VpcConfig: Match.anyValue(),
    });
    const policies = JSON.stringify(app.pipeline.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('kafka-cluster:WriteData');
    expect(policies).toContain('kafka-cluster:ReadData');
    expect(policies).toContain('kafka-cluster:AlterGroup');
    app.pipeline.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'geqo-dev-worker-lag',
      MetricName: 'OffsetLag',
    });
  });

  it('creates the topics with their partition counts before any function that uses them', async () => {
    app.pipeline.hasResourceProperties('Custom::GeqoKafkaTopics', {
      topics: { 'raw-game-events': 6, 'processed-game-events': 3 },
      names: {
        'raw-game-events': 'geqo-dev-raw-game-events',
        'processed-game-events': 'geqo-dev-processed-game-events',
      },
    });
    app.pipeline.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          KAFKA_TOPICS: 'geqo-dev-raw-game-events:6,geqo-dev-processed-game-events:3',
        }),
      },
    });
    const topics = Object.keys(app.pipeline.findResources('Custom::GeqoKafkaTopics'));
    const users = app.pipeline.findResources('AWS::Lambda::Function', {
      Properties: {
        Description: Match.stringLikeRegexp(
          '^Geqo: (plugin frames|raw-game-events to|processed-game-events to)',
        ),
      },
    });
    expect(Object.keys(users)).toHaveLength(3);
    for (const fn of Object.values(users) as { DependsOn?: string[] }[]) {
      expect(fn.DependsOn).toEqual(expect.arrayContaining(topics));
    }
    const policies = JSON.stringify(app.pipeline.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('kafka-cluster:CreateTopic');
  });
});
