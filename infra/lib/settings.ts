import type { Node } from 'constructs';

/** Which stream engine carries `raw-game-events` and `processed-game-events`. */
export type StreamEngine = 'kinesis' | 'msk';

/** What the CDK context chooses (`cdk synth -c streamEngine=msk`, or `context` in cdk.json). */
export interface GeqoSettings {
  streamEngine: StreamEngine;
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
    logLevel: logLevel as GeqoSettings['logLevel'],
    dashboardDist: optional(node, 'dashboardDist') ?? defaults.dashboardDist,
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(alarmEmail ? { alarmEmail } : {}),
  };
}
