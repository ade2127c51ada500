import { createHash } from 'node:crypto';
import { CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, type IDependable } from 'constructs';
import { MIGRATIONS } from '../../../shared/adapters/postgres/migrations/index.ts';
import { GeqoFunction, type VpcPlacement } from './geqo-function.ts';
import type { Network } from './network.ts';

/** How the functions reach PostgreSQL: their environment, where they run, what they may do. */
export interface DatabaseAccess {
  /** `DB_HOST`, `DB_PORT`, `DB_NAME`, `DB_USER` (IAM auth) or `DATABASE_URL`. */
  readonly environment: Record<string, string>;
  /** Set when the database is only reachable from inside the VPC. */
  readonly placement?: VpcPlacement;
  /** What must exist before the database answers (the writer, the proxy's target): the migrations wait for it. */
  readonly readiness: IDependable[];
  grantConnect(grantee: iam.IGrantable): void;
}

export const DATABASE_NAME = 'geqo';
/**
 * Aurora PostgreSQL's engine: the newest version aws-cdk-lib names that RDS still lets a new
 * cluster use (16.6 was deprecated for new clusters: a first deploy failed; cfn-lint W3690).
 * Serverless v2 scales to zero ACU from 16.3 on, so 17.x does.
 */
export const AURORA_ENGINE_VERSION = rds.AuroraPostgresEngineVersion.VER_17_9;
export const DATABASE_USER = 'geqo';

/** A fingerprint of the migrations: the custom resource runs again when, and only when, they change. */
export function migrationsFingerprint(): string {
  const text = MIGRATIONS.map((m) => `${m.version}:${m.name}:${String(m.sql)}`).join('\n');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export interface AuroraDatabaseProps {
  network: Network;
  /**
   * Production: deletion protection on and the cluster retained when its stack goes. Off, a
   * failed first deploy can roll the cluster back (deletion protection would fail the rollback
   * and leave the stack stuck), and deleting the stack keeps a final snapshot.
   */
  production: boolean;
}

/**
 * Aurora PostgreSQL Serverless v2 behind RDS Proxy, which keeps Lambda connection storms off
 * the database. Functions authenticate to the proxy with IAM (no password in any function);
 * the proxy uses the cluster's generated secret. TLS is required.
 */
export class AuroraDatabase extends Construct implements DatabaseAccess {
  readonly cluster: rds.DatabaseCluster;
  readonly proxy: rds.DatabaseProxy;
  readonly environment: Record<string, string>;
  readonly placement: VpcPlacement;
  readonly readiness: IDependable[];

  constructor(scope: Construct, id: string, props: AuroraDatabaseProps) {
    super(scope, id);
    const { vpc, functionSecurityGroup } = props.network;
    const databaseSecurityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'Aurora and RDS Proxy',
      allowAllOutbound: false,
    });
    // The proxy talks to the cluster inside the same group; functions talk to the proxy.
    databaseSecurityGroup.addIngressRule(databaseSecurityGroup, ec2.Port.tcp(5432), 'proxy to cluster');
    databaseSecurityGroup.addEgressRule(databaseSecurityGroup, ec2.Port.tcp(5432), 'proxy to cluster');
    databaseSecurityGroup.addIngressRule(functionSecurityGroup, ec2.Port.tcp(5432), 'functions to proxy');

    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: AURORA_ENGINE_VERSION }),
      credentials: rds.Credentials.fromGeneratedSecret(DATABASE_USER),
      defaultDatabaseName: DATABASE_NAME,
      writer: rds.ClusterInstance.serverlessV2('Writer'),
      serverlessV2MinCapacity: 0.5,
      serverlessV2MaxCapacity: 8,
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [databaseSecurityGroup],
      storageEncrypted: true,
      iamAuthentication: true,
      backup: { retention: Duration.days(7) },
      deletionProtection: props.production,
      // Retained, a create that fails later on leaves the cluster alone instead of failing the
      // rollback on its deletion protection.
      removalPolicy: props.production ? RemovalPolicy.RETAIN : RemovalPolicy.SNAPSHOT,
    });
    this.proxy = this.cluster.addProxy('Proxy', {
      secrets: [this.cluster.secret!],
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [databaseSecurityGroup],
      iamAuth: true,
      requireTLS: true,
      idleClientTimeout: Duration.minutes(30),
      maxConnectionsPercent: 80,
    });
    // The proxy answers only once its target group has registered the writer.
    const targetGroup = this.proxy.node.findChild('ProxyTargetGroup') as rds.CfnDBProxyTargetGroup;
    this.readiness = [this.cluster.node.findChild('Writer'), targetGroup];
    this.environment = {
      DB_HOST: this.proxy.endpoint,
      DB_PORT: '5432',
      DB_NAME: DATABASE_NAME,
      DB_USER: DATABASE_USER,
    };
    this.placement = {
      vpc,
      subnets: props.network.functionSubnets,
      securityGroups: [functionSecurityGroup],
    };
  }

  grantConnect(grantee: iam.IGrantable): void {
    this.proxy.grantConnect(grantee, DATABASE_USER);
  }
}

/** A database given by URL (LocalStack, or one's own server): nothing to create, nothing to grant. */
export class UrlDatabase implements DatabaseAccess {
  readonly environment: Record<string, string>;
  readonly readiness: IDependable[] = [];

  constructor(url: string) {
    this.environment = { DATABASE_URL: url };
  }

  grantConnect(): void {}
}

export interface MigrationsProps {
  database: DatabaseAccess;
  logLevel: string;
}

/**
 * The schema migrations as a custom resource: the `migrate` function runs `migrate` from
 * shared/adapters/postgres on every deploy whose migrations changed, before anything that
 * depends on the schema (the functions depend on this resource's stack).
 */
export class Migrations extends Construct {
  readonly resource: CustomResource;
  readonly function: GeqoFunction;

  constructor(scope: Construct, id: string, props: MigrationsProps) {
    super(scope, id);
    this.function = new GeqoFunction(this, 'Function', {
      name: 'migrate',
      description: 'Geqo: applies the PostgreSQL migrations (CloudFormation custom resource)',
      environment: props.database.environment,
      // It waits up to eight minutes for a database that does not answer yet (retry-connecting.ts).
      timeout: Duration.minutes(10),
      logLevel: props.logLevel,
      ...(props.database.placement ? { vpc: props.database.placement } : {}),
    });
    props.database.grantConnect(this.function);
    const provider = new cr.Provider(this, 'Provider', { onEventHandler: this.function });
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::GeqoMigrations',
      properties: { fingerprint: migrationsFingerprint(), stack: Stack.of(this).stackName },
    });
    // Not only the endpoint the environment names: the writer that serves it, and the proxy's target.
    for (const dependency of props.database.readiness) this.resource.node.addDependency(dependency);
  }
}
