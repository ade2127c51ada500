import type { Node } from 'constructs';

/** Which stream engine carries `raw-game-events` and `processed-game-events`. */
export type StreamEngine = 'kinesis' | 'msk';

/**
 * What a deployment costs at rest. `small` (the default for a new stage) idles near the price of
 * its storage: Aurora scales to zero, no RDS Proxy, no NAT gateway, provisioned single-shard
 * Kinesis streams, sweeps every quarter hour. `production` keeps the database awake behind RDS
 * Proxy, on-demand streams, one-minute sweeps, and deletion protection. README, "Deploy to AWS",
 * has the arithmetic of both.
 */
export type CostProfile = 'small' | 'production';

/** What the CDK context chooses (`cdk synth -c streamEngine=msk`, or `context` in cdk.json). */
export interface GeqoSettings {
  streamEngine: StreamEngine;
  /** `-c profile=small|production` (default `small`). */
  profile: CostProfile;
  /**
   * `-c stage=<name>` (default `dev`): prefixes every named resource and stack (`geqo-<stage>-…`),
   * so two stages, or a redeploy after a failed create, never collide on a name.
   */
  stage: string;
  /**
   * A PostgreSQL URL to use instead of Aurora (LocalStack, a database of one's own): no Aurora
   * cluster and no RDS Proxy are created, and the functions get `DATABASE_URL`.
   */
  databaseUrl?: string;
  /** Where alarms send email, if anywhere. */
  alarmEmail?: string;
  /** The built dashboard (`dashboard/dist`); a placeholder page is deployed when it does not exist. */
  dashboardDist: string;
  /** `LOG_LEVEL` of every function. */
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** `geqo-<stage>-<name>`: the name of a resource that must be unique per account and region. */
export function stageName(settings: Pick<GeqoSettings, 'stage'>, name: string): string {
  return `geqo-${settings.stage}-${name}`;
}

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

function optional(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new SettingsError(`context ${key} must be a string`);
  return value;
}

/** Reads and checks the context; every problem is named at once. */
export function readSettings(node: Node, defaults: { dashboardDist: string }): GeqoSettings {
  const problems: string[] = [];
  const streamEngine = optional(node, 'streamEngine') ?? 'kinesis';
  if (streamEngine !== 'kinesis' && streamEngine !== 'msk') {
    problems.push(`streamEngine must be "kinesis" or "msk" (got "${streamEngine}")`);
  }
  const profile = optional(node, 'profile') ?? 'small';
  if (profile !== 'small' && profile !== 'production') {
    problems.push(`profile must be "small" or "production" (got "${profile}")`);
  }
  // MSK Serverless alone costs about $550 a month at rest and needs the functions in a VPC with
  // a NAT gateway: there is no small MSK deployment.
  if (streamEngine === 'msk' && profile === 'small') {
    problems.push('streamEngine "msk" needs profile "production" (MSK Serverless has no small idle cost)');
  }
  const stage = optional(node, 'stage') ?? 'dev';
  if (!/^[a-z][a-z0-9-]{0,11}$/.test(stage)) {
    problems.push(
      `stage must be 1 to 12 lowercase letters, digits or dashes, starting with a letter (got "${stage}")`,
    );
  }
  const logLevel = optional(node, 'logLevel') ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    problems.push(`logLevel must be debug, info, warn or error (got "${logLevel}")`);
  }
  const databaseUrl = optional(node, 'databaseUrl');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('databaseUrl must be a postgres:// URL');
  }
  if (problems.length > 0) throw new SettingsError(`invalid CDK context: ${problems.join('; ')}`);
  const alarmEmail = optional(node, 'alarmEmail');
  return {
    streamEngine: streamEngine as StreamEngine,
    profile: profile as CostProfile,
    stage,
    logLevel: logLevel as GeqoSettings['logLevel'],
    dashboardDist: optional(node, 'dashboardDist') ?? defaults.dashboardDist,
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(alarmEmail ? { alarmEmail } : {}),
  };
}
