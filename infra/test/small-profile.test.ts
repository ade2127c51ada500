import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNTH_TIMEOUT_MS, type SynthesizedApp, synthApp } from './synth-app.ts';

describe('the small profile (the default): idles near the cost of storage', () => {
  let app: SynthesizedApp;

  beforeAll(() => {
    app = synthApp();
  }, SYNTH_TIMEOUT_MS);

  afterAll(() => app.cleanup());

  it('is the default', async () => {
    expect(app.stacks.settings.profile).toBe('small');
  });

  it('has no NAT gateway, no private subnets and no RDS Proxy', async () => {
    app.data.resourceCountIs('AWS::EC2::NatGateway', 0);
    app.data.resourceCountIs('AWS::EC2::Subnet', 2);
    app.data.resourceCountIs('AWS::RDS::DBProxy', 0);
  });

  it('lets Aurora Serverless v2 scale to zero and pause after five idle minutes, TLS forced', async () => {
    app.data.hasResourceProperties('AWS::RDS::DBCluster', {
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 4, SecondsUntilAutoPause: 300 },
      DeletionProtection: false,
      EnableIAMDatabaseAuthentication: true,
      StorageEncrypted: true,
    });
    app.data.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', {
      Parameters: { 'rds.force_ssl': '1' },
    });
    app.data.hasResourceProperties('AWS::RDS::DBInstance', { PubliclyAccessible: true });
  });

  it('has no deletion protection a failed first deploy could trip over, and keeps a snapshot on delete', async () => {
    app.data.hasResource('AWS::RDS::DBCluster', {
      Properties: Match.objectLike({ DeletionProtection: false }),
      DeletionPolicy: 'Snapshot',
    });
  });

  it('runs every function outside the VPC, logging in to the cluster endpoint with IAM as geqo_app', async () => {
    for (const template of [app.data, app.pipeline]) {
      const functions = Object.values(template.findResources('AWS::Lambda::Function')) as {
        Properties: { VpcConfig?: unknown };
      }[];
      expect(functions.filter((f) => f.Properties.VpcConfig !== undefined)).toEqual([]);
    }
    app.pipeline.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Geqo: raw-game-events to PostgreSQL'),
      Environment: {
        Variables: Match.objectLike({
          DB_USER: 'geqo_app',
          NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
          DB_HOST: Match.anyValue(),
        }),
      },
    });
    const policies = JSON.stringify(app.pipeline.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('rds-db:connect');
    expect(policies).toContain(':dbuser:');
    expect(policies).toContain('/geqo_app');
  });

  it('migrates as the owner with the generated password and makes the IAM role', async () => {
    app.data.hasResource('AWS::Lambda::Function', {
      Metadata: { 'aws:cdk:path': 'GeqoData/Migrations/Function/Resource' },
      Properties: Match.objectLike({
        Environment: {
          Variables: Match.objectLike({
            DB_USER: 'geqo',
            DB_IAM_APP_USER: 'geqo_app',
            DB_SECRET_ARN: Match.anyValue(),
          }),
        },
      }),
    });
    const writer = Object.keys(app.data.findResources('AWS::RDS::DBInstance'));
    const migrations = Object.values(app.data.findResources('Custom::GeqoMigrations')) as {
      DependsOn?: string[];
    }[];
    expect(migrations[0]?.DependsOn).toEqual(expect.arrayContaining(writer));
  });

  it('uses one provisioned shard per Kinesis stream, without paid extended retention, and sweeps hourly', async () => {
    app.pipeline.resourcePropertiesCountIs(
      'AWS::Kinesis::Stream',
      { StreamModeDetails: { StreamMode: 'PROVISIONED' }, ShardCount: 1 },
      2,
    );
    // 24 hours, the default, is free; more is billed per shard-hour.
    const retention = Object.values(app.pipeline.findResources('AWS::Kinesis::Stream')).map(
      (r) => (r as { Properties: { RetentionPeriodHours?: number } }).Properties.RetentionPeriodHours ?? 24,
    );
    expect(retention).toEqual([24, 24]);
    app.pipeline.resourcePropertiesCountIs('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' }, 2);
    app.pipeline.resourcePropertiesCountIs('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' }, 0);
  });
});
