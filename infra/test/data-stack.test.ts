import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AURORA_ENGINE_VERSION, migrationsFingerprint } from '../lib/constructs/database.ts';
import { SYNTH_TIMEOUT_MS, type SynthesizedApp, synthApp } from './synth-app.ts';

describe('GeqoData with Aurora, production profile', () => {
  let app: SynthesizedApp;

  beforeAll(() => {
    app = synthApp({ profile: 'production' });
  }, SYNTH_TIMEOUT_MS);

  afterAll(() => app.cleanup());

  it('builds a VPC from scratch (no lookups) with private subnets for functions and isolated ones for data', async () => {
    app.data.resourceCountIs('AWS::EC2::VPC', 1);
    app.data.resourceCountIs('AWS::EC2::NatGateway', 1);
    app.data.resourceCountIs('AWS::EC2::Subnet', 6);
  });

  it('runs Aurora PostgreSQL Serverless v2, encrypted, with IAM authentication', async () => {
    app.data.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 8 },
      StorageEncrypted: true,
      EnableIAMDatabaseAuthentication: true,
      DeletionProtection: true,
      DatabaseName: 'geqo',
    });
    app.data.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless' });
  });

  it('creates the cluster on the chosen Aurora PostgreSQL version, one RDS still takes for new clusters', async () => {
    const clusters = Object.values(app.data.findResources('AWS::RDS::DBCluster')) as {
      Properties: { EngineVersion: string };
    }[];
    expect(clusters.map((c) => c.Properties.EngineVersion)).toEqual([
      AURORA_ENGINE_VERSION.auroraPostgresFullVersion,
    ]);
    expect(AURORA_ENGINE_VERSION.auroraPostgresFullVersion).toBe('17.9');
  });

  it('puts RDS Proxy in front with IAM auth and TLS required', async () => {
    app.data.hasResourceProperties('AWS::RDS::DBProxy', {
      EngineFamily: 'POSTGRESQL',
      RequireTLS: true,
      Auth: [Match.objectLike({ AuthScheme: 'SECRETS', IAMAuth: 'REQUIRED' })],
    });
  });

  it('migrates the schema with a custom resource that changes when the migrations change', async () => {
    app.data.hasResourceProperties('Custom::GeqoMigrations', { fingerprint: migrationsFingerprint() });
    app.data.hasResource('AWS::Lambda::Function', {
      Metadata: { 'aws:cdk:path': 'GeqoData/Migrations/Function/Resource' },
      Properties: Match.objectLike({
        VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }),
        Environment: { Variables: Match.objectLike({ DB_NAME: 'geqo', DB_USER: 'geqo', DB_PORT: '5432' }) },
      }),
    });
    expect(migrationsFingerprint()).toMatch(/^[0-9a-f]{16}$/);
  });

  it('migrates only once the writer instance and the proxy target group exist, waiting up to ten minutes', async () => {
    const writer = Object.keys(app.data.findResources('AWS::RDS::DBInstance'));
    const targetGroup = Object.keys(app.data.findResources('AWS::RDS::DBProxyTargetGroup'));
    expect(writer).toHaveLength(1);
    expect(targetGroup).toHaveLength(1);
    const migrations = Object.values(app.data.findResources('Custom::GeqoMigrations')) as {
      DependsOn?: string[];
    }[];
    expect(migrations).toHaveLength(1);
    expect(migrations[0]?.DependsOn).toEqual(expect.arrayContaining([...writer, ...targetGroup]));
    app.data.hasResource('AWS::Lambda::Function', {
      Metadata: { 'aws:cdk:path': 'GeqoData/Migrations/Function/Resource' },
      Properties: Match.objectLike({ Timeout: 600 }),
    });
  });

  it('protects the production cluster from deletion and keeps it when the stack goes', async () => {
    app.data.hasResource('AWS::RDS::DBCluster', {
      Properties: Match.objectLike({ DeletionProtection: true }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('lets functions reach the proxy on 5432 and nothing else in', async () => {
    app.data.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 5432,
      ToPort: 5432,
      Description: 'functions to proxy',
    });
  });
});

describe('GeqoData with a database URL (LocalStack)', () => {
  let app: SynthesizedApp;

  beforeAll(() => {
    app = synthApp({ databaseUrl: 'postgres://geqo:geqo@postgres:5432/geqo' });
  }, SYNTH_TIMEOUT_MS);

  afterAll(() => app.cleanup());

  it('creates no Aurora cluster or proxy and hands the functions DATABASE_URL', async () => {
    app.data.resourceCountIs('AWS::RDS::DBCluster', 0);
    app.data.resourceCountIs('AWS::RDS::DBProxy', 0);
    app.pipeline.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ DATABASE_URL: 'postgres://geqo:geqo@postgres:5432/geqo' }),
      },
    });
    const roles = JSON.stringify(app.pipeline.findResources('AWS::IAM::Policy'));
    expect(roles).not.toContain('rds-db:connect');
  });
});
