import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGeqoApp } from '../lib/geqo-app.ts';
import { SYNTH_TIMEOUT_MS, type SynthesizedApp, synthApp } from './synth-app.ts';

describe('GeqoSite', () => {
  let app: SynthesizedApp;

  beforeAll(() => {
    app = synthApp({ dashboardDist: '/nonexistent/dashboard/dist' });
  }, SYNTH_TIMEOUT_MS);

  afterAll(() => app.cleanup());

  it('serves a private bucket through CloudFront with origin access control, as a single-page app', async () => {
    app.site.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    app.site.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    app.site.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        CustomErrorResponses: Match.arrayWith([
          Match.objectLike({ ErrorCode: 404, ResponsePagePath: '/index.html' }),
        ]),
      }),
    });
  });

  it('names the dashboard URL output DashboardUrl, the name the README tells people to look for', async () => {
    app.site.hasOutput('DashboardUrl', { Description: 'Dashboard' });
  });

  it('deploys a placeholder page when the dashboard is not built', async () => {
    expect(app.stacks.site.site.usesPlaceholder).toBe(true);
    app.site.resourceCountIs('Custom::CDKBucketDeployment', 1);
  });
});

describe('CDK context', () => {
  it.each([
    [{ streamEngine: 'rabbitmq' }, 'streamEngine must be "kinesis" or "msk"'],
    [{ databaseUrl: 'mysql://x' }, 'databaseUrl must be a postgres:// URL'],
    [{ logLevel: 'loud' }, 'logLevel must be'],
    [{ profile: 'huge' }, 'profile must be "small" or "production"'],
    [{ streamEngine: 'msk' }, 'streamEngine "msk" needs profile "production"'],
    [{ stage: 'Prod_1' }, 'stage must be 1 to 12 lowercase letters'],
  ])('refuses %j', async (context, message) => {
    // An App without an outdir leaves a cdk.out* folder in the temp folder: give it one to remove.
    const outdir = mkdtempSync(join(tmpdir(), 'geqo-cdk-'));
    try {
      const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [], ...context } });
      expect(() => buildGeqoApp(app)).toThrow(message);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('names per stage', () => {
  let app: SynthesizedApp;

  beforeAll(() => {
    app = synthApp({ stage: 'eu2' });
  }, SYNTH_TIMEOUT_MS);

  afterAll(() => app.cleanup());

  it('names stacks, streams, queues, APIs, alarms and the dashboard geqo-<stage>-…, and hands functions the names', async () => {
    expect([app.stacks.data, app.stacks.pipeline, app.stacks.site].map((s) => s.stackName)).toEqual([
      'geqo-eu2-data',
      'geqo-eu2-pipeline',
      'geqo-eu2-site',
    ]);
    const names = (type: string, key: string) =>
      Object.values(app.pipeline.findResources(type)).map(
        (r) => (r as { Properties: Record<string, unknown> }).Properties[key],
      );
    expect(names('AWS::Kinesis::Stream', 'Name').sort()).toEqual([
      'geqo-eu2-processed-game-events',
      'geqo-eu2-raw-game-events',
    ]);
    expect(names('AWS::SQS::Queue', 'QueueName').sort()).toEqual([
      'geqo-eu2-raw-game-events-batch-failures',
      'geqo-eu2-raw-game-events-dlq',
    ]);
    for (const name of [
      ...names('AWS::ApiGatewayV2::Api', 'Name'),
      ...names('AWS::CloudWatch::Alarm', 'AlarmName'),
    ]) {
      expect(name).toMatch(/^geqo-eu2-/);
    }
    expect(names('AWS::CloudWatch::Dashboard', 'DashboardName')).toEqual(['geqo-eu2-operations']);
    app.pipeline.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ RAW_STREAM: 'geqo-eu2-raw-game-events' }) },
    });
    app.pipeline.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ PROCESSED_STREAM: 'geqo-eu2-processed-game-events' }) },
    });
  });
});
