import { createHash } from 'node:crypto';
import { CustomResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, type IDependable } from 'constructs';
import { MIGRATIONS } from '../../../shared/adapters/postgres/migrations/index.ts';
import { cdkHelperFunctionFindings, nag } from '../nag.ts';
import { GeqoFunction, type VpcPlacement } from './geqo-function.ts';
import type { Network } from './network.ts';
import type { Watch } from './pipeline-alarms.ts';

/** How the functions reach PostgreSQL: their environment, where they run, what they may do. */
export interface DatabaseAccess {
  /** `DB_HOST`, `DB_PORT`, `DB_NAME`, `DB_USER` (IAM auth) or `DATABASE_URL`. */
  readonly environment: Record<string, string>;
  /** Set when the database is only reachable from inside the VPC. */
  readonly placement?: VpcPlacement;
  /** What must exist before the database answers (the writer, the proxy's target): the migrations wait for it. */
  readonly readiness: IDependable[];
  grantConnect(grantee: iam.IGrantable): void;
  /** The migrations function's environment: the functions' own, or the schema owner's (small profile). */
  readonly migrationEnvironment: Record<string, string>;
  grantMigrate(grantee: iam.IGrantable): void;
  /** What says the database is unwell: capacity at its ceiling, CPU, failed connections. */
  health(): Watch[];
}

export const DATABASE_NAME = 'geqo';
/**
 * Aurora PostgreSQL's engine: the newest version aws-cdk-lib names that RDS still lets a new
 * cluster use (16.6 was deprecated for new clusters: a first deploy failed; cfn-lint W3690).
 * Serverless v2 scales to zero ACU from 16.3 on, so 17.x does.
 */
export const AURORA_ENGINE_VERSION = rds.AuroraPostgresEngineVersion.VER_17_9;
export const DATABASE_USER = 'geqo';
/**
 * Small profile: the role the functions log in as with IAM, straight to Aurora (no RDS Proxy to
 * hold the owner's password for them). The migrations create it (functions/migrate/iam-app-user.ts).
 */
export const DATABASE_IAM_APP_USER = 'geqo_app';
/** Lambda's own CA bundle, with the RDS certificate authorities that Node.js does not trust by default. */
export const LAMBDA_RDS_CA_BUNDLE = '/var/runtime/ca-cert.pem';

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
 * Aurora PostgreSQL Serverless v2.
 *
 * Production: behind RDS Proxy, which keeps Lambda connection storms off the database, at 0.5 ACU
 * or more; functions in the VPC authenticate to the proxy with IAM (no password in any function),
 * the proxy uses the cluster's generated secret. Small: scales to zero (pauses after five idle
 * minutes, resumes in about 15 s on the next connection), no proxy, publicly reachable so that
 * functions need no VPC, NAT gateway or endpoints: they log in with IAM tokens as `geqo_app`
 * (nobody has a password for it), and only the migrations use the owner's generated password.
 * TLS is required in both.
 */
export class AuroraDatabase extends Construct implements DatabaseAccess {
  readonly cluster: rds.DatabaseCluster;
  readonly proxy?: rds.DatabaseProxy;
  readonly environment: Record<string, string>;
  readonly migrationEnvironment: Record<string, string>;
  readonly placement?: VpcPlacement;
  readonly readiness: IDependable[];
  private readonly production: boolean;

  constructor(scope: Construct, id: string, props: AuroraDatabaseProps) {
    super(scope, id);
    this.production = props.production;
    const { vpc, functionSecurityGroup } = props.network;
    const databaseSecurityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'Aurora and RDS Proxy',
      allowAllOutbound: false,
    });
    // The proxy talks to the cluster inside the same group; functions talk to the proxy.
    databaseSecurityGroup.addIngressRule(databaseSecurityGroup, ec2.Port.tcp(5432), 'proxy to cluster');
    databaseSecurityGroup.addEgressRule(databaseSecurityGroup, ec2.Port.tcp(5432), 'proxy to cluster');
    if (props.production) {
      databaseSecurityGroup.addIngressRule(functionSecurityGroup, ec2.Port.tcp(5432), 'functions to proxy');
    } else {
      // Lambda functions outside a VPC have no fixed addresses. TLS is forced (rds.force_ssl) and
      // every login needs an IAM token or the generated owner password.
      databaseSecurityGroup.addIngressRule(
        ec2.Peer.anyIpv4(),
        ec2.Port.tcp(5432),
        'functions outside the VPC (TLS, IAM)',
      );
      Validations.of(databaseSecurityGroup).acknowledge(
        {
          id: 'AwsSolutions::AwsSolutions-EC23',
          reason:
            'small profile: Lambda outside a VPC has no fixed address; TLS is forced and a login needs an IAM token or the generated owner password (README, Profiles)',
        },
        {
          id: 'CloudFormation-Validate::W2508',
          reason: 'small profile: as AwsSolutions-EC23 on this group',
        },
      );
    }
    const subnetType = props.production ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PUBLIC;

    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: AURORA_ENGINE_VERSION }),
      credentials: rds.Credentials.fromGeneratedSecret(DATABASE_USER),
      defaultDatabaseName: DATABASE_NAME,
      writer: rds.ClusterInstance.serverlessV2('Writer', { publiclyAccessible: !props.production }),
      // Zero ACU is a paused cluster: storage is all that costs. Nothing scheduled wakes it more
      // than once an hour in the small profile (the sweeps).
      serverlessV2MinCapacity: props.production ? 0.5 : 0,
      ...(props.production ? {} : { serverlessV2AutoPauseDuration: Duration.minutes(5) }),
      serverlessV2MaxCapacity: props.production ? 8 : 4,
      parameters: { 'rds.force_ssl': '1' },
      vpc,
      vpcSubnets: { subnetType },
      securityGroups: [databaseSecurityGroup],
      storageEncrypted: true,
      iamAuthentication: true,
      backup: { retention: Duration.days(7) },
      deletionProtection: props.production,
      // Retained, a create that fails later on leaves the cluster alone instead of failing the
      // rollback on its deletion protection.
      removalPolicy: props.production ? RemovalPolicy.RETAIN : RemovalPolicy.SNAPSHOT,
    });
    const writer = this.cluster.node.findChild('Writer');
    Validations.of(this.cluster).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        "the owner's generated password is used by RDS Proxy (production) or the migrations (small) only; rotation needs a rotation function with network access to the database (a NAT gateway or endpoints the small profile does not have)",
    });
    if (!props.production) {
      Validations.of(this.cluster).acknowledge(
        {
          id: 'AwsSolutions::AwsSolutions-RDS10',
          reason:
            'small profile: deletion protection would make a failed first deploy unable to roll back; production turns it on, and deleting a small stage keeps a final snapshot',
        },
        {
          id: 'CloudFormation-Validate::W9011',
          reason:
            'small profile: publicly accessible so that functions need no VPC, NAT gateway or endpoints (see the security group)',
        },
      );
    }
    if (!props.production) {
      const direct = {
        DB_HOST: this.cluster.clusterEndpoint.hostname,
        DB_PORT: '5432',
        DB_NAME: DATABASE_NAME,
        NODE_EXTRA_CA_CERTS: LAMBDA_RDS_CA_BUNDLE,
      };
      this.environment = { ...direct, DB_USER: DATABASE_IAM_APP_USER };
      this.migrationEnvironment = {
        ...direct,
        DB_USER: DATABASE_USER,
        DB_SECRET_ARN: this.cluster.secret!.secretArn,
        DB_IAM_APP_USER: DATABASE_IAM_APP_USER,
      };
      this.readiness = [writer];
      return;
    }
    const proxy = this.cluster.addProxy('Proxy', {
      secrets: [this.cluster.secret!],
      vpc,
      vpcSubnets: { subnetType },
      securityGroups: [databaseSecurityGroup],
      iamAuth: true,
      requireTLS: true,
      idleClientTimeout: Duration.minutes(30),
      maxConnectionsPercent: 80,
    });
    this.proxy = proxy;
    // The proxy answers only once its target group has registered the writer.
    const targetGroup = proxy.node.findChild('ProxyTargetGroup') as rds.CfnDBProxyTargetGroup;
    this.readiness = [writer, targetGroup];
    this.environment = {
      DB_HOST: proxy.endpoint,
      DB_PORT: '5432',
      DB_NAME: DATABASE_NAME,
      DB_USER: DATABASE_USER,
    };
    this.migrationEnvironment = this.environment;
    this.placement = {
      vpc,
      subnets: props.network.functionSubnets,
      securityGroups: [functionSecurityGroup],
    };
  }

  grantConnect(grantee: iam.IGrantable): void {
    if (this.proxy) this.proxy.grantConnect(grantee, DATABASE_USER);
    else this.cluster.grantConnect(grantee, DATABASE_IAM_APP_USER);
  }

  grantMigrate(grantee: iam.IGrantable): void {
    if (this.production) this.grantConnect(grantee);
    else this.cluster.secret!.grantRead(grantee);
  }

  health(): Watch[] {
    const period = Duration.minutes(5);
    const watches: Watch[] = [
      {
        name: 'database-capacity',
        description:
          'Aurora has used over 90% of its maximum ACUs for 15 minutes: raise serverlessV2MaxCapacity',
        metric: this.cluster.metric('ACUUtilization', { period, statistic: 'Average' }),
        threshold: 90,
        evaluationPeriods: 3,
      },
      {
        name: 'database-cpu',
        description: 'Aurora CPU over 90% for 15 minutes',
        metric: this.cluster.metricCPUUtilization({ period, statistic: 'Average' }),
        threshold: 90,
        evaluationPeriods: 3,
      },
    ];
    if (this.proxy) {
      watches.push({
        name: 'database-proxy-connect-failures',
        description: 'RDS Proxy could not open connections to Aurora (DatabaseConnectionsSetupFailed)',
        metric: new cloudwatch.Metric({
          namespace: 'AWS/RDS',
          metricName: 'DatabaseConnectionsSetupFailed',
          dimensionsMap: { ProxyName: this.proxy.dbProxyName },
          period,
          statistic: 'Sum',
        }),
        threshold: 1,
      });
    }
    return watches;
  }
}

/** A database given by URL (LocalStack, or one's own server): nothing to create, nothing to grant. */
export class UrlDatabase implements DatabaseAccess {
  readonly environment: Record<string, string>;
  readonly migrationEnvironment: Record<string, string>;
  readonly readiness: IDependable[] = [];

  constructor(url: string) {
    this.environment = { DATABASE_URL: url };
    this.migrationEnvironment = this.environment;
  }

  grantConnect(): void {}

  grantMigrate(): void {}

  health(): Watch[] {
    return [];
  }
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
      environment: props.database.migrationEnvironment,
      // It waits up to eight minutes for a database that does not answer yet (retry-connecting.ts).
      timeout: Duration.minutes(10),
      logLevel: props.logLevel,
      ...(props.database.placement ? { vpc: props.database.placement } : {}),
    });
    props.database.grantMigrate(this.function);
    const provider = new cr.Provider(this, 'Provider', { onEventHandler: this.function });
    Validations.of(provider).acknowledge(
      ...cdkHelperFunctionFindings("CDK's custom resource provider framework"),
      {
        id: nag.wildcardResource(`${nag.arnOf(this.function)}:*`),
        reason: "CDK's provider framework may invoke any version of its handler function",
      },
    );
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::GeqoMigrations',
      properties: { fingerprint: migrationsFingerprint(), stack: Stack.of(this).stackName },
    });
    // Not only the endpoint the environment names: the writer that serves it, and the proxy's target.
    for (const dependency of props.database.readiness) this.resource.node.addDependency(dependency);
  }
}
