import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNTH_TIMEOUT_MS, type SynthesizedApp, synthApp } from './synth-app.ts';

describe('observability (production profile on Kinesis)', () => {
  let app: SynthesizedApp;

  beforeAll(() => {
    app = synthApp({ profile: 'production' });
  }, SYNTH_TIMEOUT_MS);

  afterAll(() => app.cleanup());

  const stages = () =>
    Object.values(app.pipeline.findResources('AWS::ApiGatewayV2::Stage')) as {
      Properties: { AccessLogSettings?: { Format: string; DestinationArn: unknown } };
      DependsOn?: string[];
    }[];

  it('writes access logs of the HTTP API and both WebSocket APIs with route keys, never paths or query strings', async () => {
    const all = stages();
    expect(all).toHaveLength(3);
    for (const stage of all) {
      const format = stage.Properties.AccessLogSettings?.Format ?? '';
      expect(stage.Properties.AccessLogSettings?.DestinationArn).toBeDefined();
      expect(format).toContain('$context.requestId');
      expect(format).toContain('$context.routeKey');
      for (const secretBearing of [
        '$context.path',
        '$context.resourcePath',
        'requestUrl',
        'querystring',
        'header.',
      ]) {
        expect(format.toLowerCase()).not.toContain(secretBearing.toLowerCase());
      }
    }
  });

  it('sets API Gateway logging role before the WebSocket stages that need it', async () => {
    const account = Object.keys(app.pipeline.findResources('AWS::ApiGateway::Account'));
    expect(account).toHaveLength(1);
    const webSocketStages = stages().filter((s) => s.DependsOn?.includes(account[0]!));
    expect(webSocketStages).toHaveLength(2);
  });

  it('alarms on API 5xx, WebSocket errors, Aurora health, RDS Proxy connection failures and Kinesis put failures', async () => {
    const alarms = Object.values(app.pipeline.findResources('AWS::CloudWatch::Alarm')) as {
      Properties: { AlarmName: string; MetricName?: string; Namespace?: string; AlarmActions?: unknown[] };
    }[];
    const byName = new Map(alarms.map((a) => [a.Properties.AlarmName, a.Properties]));
    const expected: [string, string][] = [
      ['geqo-dev-rest-api-5xx', '5xx'],
      ['geqo-dev-plugin-api-integration-errors', 'IntegrationError'],
      ['geqo-dev-plugin-api-execution-errors', 'ExecutionError'],
      ['geqo-dev-dashboard-api-integration-errors', 'IntegrationError'],
      ['geqo-dev-dashboard-api-execution-errors', 'ExecutionError'],
      ['geqo-dev-database-capacity', 'ACUUtilization'],
      ['geqo-dev-database-cpu', 'CPUUtilization'],
      ['geqo-dev-database-proxy-connect-failures', 'DatabaseConnectionsSetupFailed'],
      ['geqo-dev-raw-game-events-put-failures', 'PutRecords.FailedRecords'],
      ['geqo-dev-raw-game-events-write-throttled', 'WriteProvisionedThroughputExceeded'],
      ['geqo-dev-processed-game-events-put-failures', 'PutRecords.FailedRecords'],
    ];
    for (const [name, metric] of expected) {
      expect(byName.get(name)?.MetricName, name).toBe(metric);
      expect(byName.get(name)?.AlarmActions, name).toHaveLength(1);
    }
  });

  it('says in a stack output that the alarm topic has no subscriber and how to add one', async () => {
    app.pipeline.hasOutput('AlarmTopicArn', {
      Description: Match.stringLikeRegexp('NO subscriber.*alarmEmail.*aws sns subscribe'),
    });
  });

  it('reserves concurrency for ingest and the worker and traces the hot path with X-Ray', async () => {
    const fn = (description: string) =>
      Object.values(
        app.pipeline.findResources('AWS::Lambda::Function', {
          Properties: { Description: Match.stringLikeRegexp(description) },
        }),
      ) as { Properties: { ReservedConcurrentExecutions?: number; TracingConfig?: { Mode: string } } }[];
    expect(fn('^Geqo: plugin frames to').map((f) => f.Properties.ReservedConcurrentExecutions)).toEqual([
      200,
    ]);
    expect(
      fn('^Geqo: raw-game-events to PostgreSQL').map((f) => f.Properties.ReservedConcurrentExecutions),
    ).toEqual([32]);
    for (const hot of [
      '^Geqo: plugin frames to',
      '^Geqo: raw-game-events to PostgreSQL',
      '^Geqo: processed-game-events to dashboards',
      '^Geqo: CS2 log stream',
    ]) {
      expect(
        fn(hot).map((f) => f.Properties.TracingConfig),
        hot,
      ).toEqual([{ Mode: 'Active' }]);
    }
    expect(fn('^Geqo: REST API').map((f) => f.Properties.TracingConfig)).toEqual([undefined]);
  });
});
