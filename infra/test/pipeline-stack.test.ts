import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logicalIdOf, SYNTH_TIMEOUT_MS, type SynthesizedApp, synthApp } from './synth-app.ts';

describe('GeqoPipeline on Kinesis', () => {
  let app: SynthesizedApp;
  let rawStream: string;
  let processedStream: string;
  let batchFailures: string;
  let deadLetters: string;

  beforeAll(() => {
    app = synthApp({ profile: 'production' });
    rawStream = logicalIdOf(app.pipeline, 'AWS::Kinesis::Stream', { Name: 'geqo-dev-raw-game-events' });
    processedStream = logicalIdOf(app.pipeline, 'AWS::Kinesis::Stream', {
      Name: 'geqo-dev-processed-game-events',
    });
    batchFailures = logicalIdOf(app.pipeline, 'AWS::SQS::Queue', {
      QueueName: 'geqo-dev-raw-game-events-batch-failures',
    });
    deadLetters = logicalIdOf(app.pipeline, 'AWS::SQS::Queue', { QueueName: 'geqo-dev-raw-game-events-dlq' });
  }, SYNTH_TIMEOUT_MS);

  afterAll(() => app.cleanup());

  /** A function by its folder under functions/ (its construct id). */
  const functionId = (name: string) => {
    const found = Object.keys(
      app.pipeline.findResources('AWS::Lambda::Function', {
        Metadata: { 'aws:cdk:path': `GeqoPipeline/${name}/Resource` },
      }),
    );
    if (found.length !== 1) throw new Error(`no function ${name}`);
    return found[0]!;
  };
  const roleOf = (name: string) =>
    (app.pipeline.toJSON().Resources[functionId(name)].Properties.Role as { 'Fn::GetAtt': string[] })[
      'Fn::GetAtt'
    ][0];
  /** Every statement of the policies attached to a function's role. */
  const statementsOf = (name: string): { Action: string | string[]; Resource: unknown }[] => {
    const role = roleOf(name);
    const policies = app.pipeline.findResources('AWS::IAM::Policy', {
      Properties: { Roles: Match.arrayWith([{ Ref: role }]) },
    });
    return Object.values(policies).flatMap(
      (policy) =>
        (policy as { Properties: { PolicyDocument: { Statement: [] } } }).Properties.PolicyDocument.Statement,
    );
  };
  const actions = (name: string) => statementsOf(name).flatMap((s) => [s.Action].flat());
  /** The function an HTTP API route is integrated with (its logical id). */
  const routeFunction = (routeKey: string): string => {
    const resources = app.pipeline.toJSON().Resources;
    const routes = Object.values(
      app.pipeline.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: routeKey } }),
    );
    if (routes.length !== 1) throw new Error(`no route ${routeKey}`);
    const target = (
      routes[0] as { Properties: { Target: { 'Fn::Join': [string, [string, { Ref: string }]] } } }
    ).Properties.Target['Fn::Join'][1][1].Ref;
    return resources[target].Properties.IntegrationUri['Fn::GetAtt'][0];
  };

  it('creates both streams on demand, encrypted', async () => {
    app.pipeline.resourcePropertiesCountIs(
      'AWS::Kinesis::Stream',
      { StreamModeDetails: { StreamMode: 'ON_DEMAND' }, StreamEncryption: { EncryptionType: 'KMS' } },
      2,
    );
  });

  it('maps the raw stream to the worker with bounded retries, bisecting, partial batch responses and a DLQ', async () => {
    app.pipeline.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId('worker') },
      EventSourceArn: { 'Fn::GetAtt': [rawStream, 'Arn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 1,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 21_600,
      ParallelizationFactor: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [batchFailures, 'Arn'] } } },
    });
  });

  it('maps the processed stream to the broadcaster from the latest record, with a one-minute record age', async () => {
    app.pipeline.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId('broadcaster') },
      EventSourceArn: { 'Fn::GetAtt': [processedStream, 'Arn'] },
      StartingPosition: 'LATEST',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 2,
      MaximumRecordAgeInSeconds: 60,
    });
    app.pipeline.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
  });

  it('gives the worker the dead-letter queue it writes poison records to', async () => {
    app.pipeline.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Geqo: raw-game-events to PostgreSQL'),
      Environment: {
        Variables: Match.objectLike({
          DEAD_LETTER_QUEUE_URL: { Ref: deadLetters },
          PROCESSED_STREAM: 'geqo-dev-processed-game-events',
          STREAM_ENGINE: 'kinesis',
          DB_USER: 'geqo',
        }),
      },
    });
    // cdk.json's minimizePolicies may merge statements: look for the action on the queue's ARN.
    const sends = statementsOf('worker').filter((s) => [s.Action].flat().includes('sqs:SendMessage'));
    expect(sends.flatMap((s) => [s.Resource].flat())).toContainEqual({ 'Fn::GetAtt': [deadLetters, 'Arn'] });
  });

  it('grants each producer PutRecords on its own stream only', async () => {
    const puts = (name: string) =>
      statementsOf(name)
        .filter((s) => [s.Action].flat().includes('kinesis:PutRecords'))
        .map((s) => s.Resource);
    expect(puts('ingest')).toEqual([{ 'Fn::GetAtt': [rawStream, 'Arn'] }]);
    expect(puts('plain-ingest')).toEqual([{ 'Fn::GetAtt': [rawStream, 'Arn'] }]);
    expect(puts('worker')).toEqual([{ 'Fn::GetAtt': [processedStream, 'Arn'] }]);
    expect(puts('dlq-replay')).toEqual([{ 'Fn::GetAtt': [rawStream, 'Arn'] }]);
    expect(puts('broadcaster')).toEqual([]);
    expect(puts('api')).toEqual([]);
    expect(puts('stats-aggregation')).toEqual([]);
  });

  it('lets only the broadcaster post to dashboard connections, and only the replay consume dead letters', async () => {
    expect(actions('broadcaster')).toContain('execute-api:ManageConnections');
    for (const other of ['worker', 'ingest', 'api', 'dashboard-ws', 'plain-ingest', 'stats-aggregation']) {
      expect(actions(other)).not.toContain('execute-api:ManageConnections');
    }
    expect(actions('dlq-replay')).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']),
    );
    expect(actions('worker')).not.toContain('sqs:ReceiveMessage');
    for (const other of ['plain-ingest', 'stats-aggregation']) {
      expect(actions(other).filter((action) => action.startsWith('sqs:'))).toEqual([]);
    }
  });

  it('lets the database readers, and only them, connect to the proxy as the geqo user', async () => {
    for (const reader of [
      'ws-authorizer',
      'worker',
      'api',
      'dashboard-ws',
      'plain-ingest',
      'stats-aggregation',
    ]) {
      expect(actions(reader)).toContain('rds-db:connect');
    }
    for (const other of ['ingest', 'ws-connect', 'dlq-replay']) {
      expect(actions(other)).not.toContain('rds-db:connect');
    }
  });

  it('runs every function on Node 22, ARM64', async () => {
    const functions = app.pipeline.findResources('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('^Geqo: ') },
    });
    expect(Object.keys(functions)).toHaveLength(11);
    for (const fn of Object.values(functions) as {
      Properties: { Runtime: string; Architectures: string[] };
    }[]) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
    }
  });

  it('authorizes plugin connections with a REQUEST authorizer and answers frames on the route response', async () => {
    app.pipeline.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      AuthorizerUri: Match.anyValue(),
      IdentitySource: [],
    });
    app.pipeline.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: '$connect',
      AuthorizationType: 'CUSTOM',
    });
    app.pipeline.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: '$default',
      RouteResponseSelectionExpression: '$default',
    });
  });

  it('routes dashboard messages on $request.body.action', async () => {
    app.pipeline.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      Name: 'geqo-dev-dashboard',
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: '$request.body.action',
    });
    for (const routeKey of ['subscribe', 'unsubscribe']) {
      app.pipeline.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey,
        RouteResponseSelectionExpression: '$default',
      });
    }
  });

  it('puts admin REST routes behind IAM and keeps the read and ingest routes open', async () => {
    app.pipeline.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /v1/servers',
      AuthorizationType: 'AWS_IAM',
    });
    app.pipeline.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'DELETE /v1/servers/{id}',
      AuthorizationType: 'AWS_IAM',
    });
    app.pipeline.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /v1/dead-letters',
      AuthorizationType: 'AWS_IAM',
    });
    app.pipeline.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /v1/matches/{id}/events',
      AuthorizationType: 'NONE',
    });
    for (const routeKey of [
      'GET /v1/players/{steamId}',
      'POST /v1/logs/{serverId}/{token}',
      'POST /v1/webhooks/matchzy',
      'POST /v1/webhooks/get5',
    ]) {
      app.pipeline.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey,
        AuthorizationType: 'NONE',
      });
    }
  });

  it('sends the log and webhook routes to plain-ingest and the statistics routes to the API function', async () => {
    for (const routeKey of [
      'POST /v1/logs/{serverId}/{token}',
      'POST /v1/webhooks/matchzy',
      'POST /v1/webhooks/get5',
    ]) {
      expect(routeFunction(routeKey), routeKey).toBe(functionId('plain-ingest'));
    }
    for (const routeKey of [
      'GET /v1/matches/{id}/summary',
      'GET /v1/players/{steamId}',
      'POST /v1/servers',
    ]) {
      expect(routeFunction(routeKey), routeKey).toBe(functionId('api'));
    }
    app.pipeline.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [functionId('plain-ingest'), 'Arn'] },
      PayloadFormatVersion: '2.0',
    });
  });

  it('gives plain-ingest the raw stream and the database, inside the VPC', async () => {
    app.pipeline.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Geqo: CS2 log stream and MatchZy/get5 webhooks'),
      Environment: {
        Variables: Match.objectLike({
          RAW_STREAM: 'geqo-dev-raw-game-events',
          STREAM_ENGINE: 'kinesis',
          DB_USER: 'geqo',
        }),
      },
      VpcConfig: Match.anyValue(),
      Architectures: ['arm64'],
    });
  });

  it('runs the statistics sweep and the outbox recovery every minute, without retries', async () => {
    app.pipeline.resourceCountIs('AWS::Events::Rule', 2);
    app.pipeline.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionId('stats-aggregation'), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0 },
        }),
      ],
    });
    app.pipeline.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionId('plain-ingest'), 'Arn'] },
          Input: JSON.stringify({ action: 'recover-outboxes' }),
          RetryPolicy: { MaximumRetryAttempts: 0 },
        }),
      ],
    });
    for (const name of ['stats-aggregation', 'plain-ingest']) {
      app.pipeline.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [functionId(name), 'Arn'] },
        Principal: 'events.amazonaws.com',
      });
      app.pipeline.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: functionId(name) },
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: 60,
      });
    }
    app.pipeline.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Geqo: aggregates the statistics'),
      MemorySize: 1024,
      Timeout: 300,
    });
    // The sweep reads and writes PostgreSQL, nothing else.
    expect(actions('stats-aggregation').filter((action) => !action.startsWith('rds-db:'))).toEqual([]);
  });

  it('alarms on consumer lag, queue depth, and every function’s errors and throttles', async () => {
    app.pipeline.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'geqo-dev-worker-lag',
      MetricName: 'IteratorAge',
      Namespace: 'AWS/Lambda',
      Statistic: 'Maximum',
      Threshold: 60_000,
    });
    app.pipeline.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'geqo-dev-broadcaster-lag',
      MetricName: 'IteratorAge',
    });
    app.pipeline.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'geqo-dev-deadLetters-depth',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLetters, 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    app.pipeline.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'geqo-dev-batchFailures-depth',
    });
    app.pipeline.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'Errors' }, 11);
    app.pipeline.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'Throttles' }, 11);
    for (const name of ['plainIngest', 'statsAggregation']) {
      app.pipeline.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `geqo-dev-${name}-errors`,
        MetricName: 'Errors',
        Threshold: 1,
      });
    }
    app.pipeline.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: Match.anyValue() }],
    });
    app.pipeline.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});
