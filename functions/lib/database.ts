import { createPool } from '@geqo/shared/adapters/postgres';
import pg from 'pg';
import type { EnvReader } from './config.ts';
import { type AwsCredentials, rdsAuthToken } from './rds-auth-token.ts';
import { getSecretString } from './secrets-manager.ts';

/**
 * How a function reaches PostgreSQL: through RDS Proxy with IAM authentication (production: no
 * password anywhere, the execution role is the credential), or a plain URL (LocalStack, a
 * database of one's own).
 */
export type DatabaseConfig =
  | { kind: 'url'; url: string }
  | { kind: 'iam'; host: string; port: number; database: string; user: string; region: string }
  | {
      kind: 'secret';
      host: string;
      port: number;
      database: string;
      user: string;
      region: string;
      /** A Secrets Manager secret whose JSON has the `password` (the cluster's generated secret). */
      secretArn: string;
    };

/**
 * `DATABASE_URL`, or `DB_HOST` + `DB_NAME` + `DB_USER` (+ `DB_PORT`) in `AWS_REGION` with IAM auth,
 * or with the password of the secret `DB_SECRET_ARN` when that is set (the migrations function
 * talking to Aurora directly, as the master user, in the small profile).
 */
export function readDatabaseConfig(env: EnvReader): DatabaseConfig {
  const url = env.optionalString('DATABASE_URL');
  if (url) return { kind: 'url', url };
  const secretArn = env.optionalString('DB_SECRET_ARN');
  return {
    ...(secretArn ? { kind: 'secret' as const, secretArn } : { kind: 'iam' as const }),
    host: env.string('DB_HOST'),
    port: env.int('DB_PORT', { fallback: 5432, min: 1, max: 65_535 }),
    database: env.string('DB_NAME'),
    user: env.string('DB_USER'),
    region: env.string('AWS_REGION'),
  };
}

export interface LambdaPoolOptions {
  applicationName: string;
  /** One Lambda instance serves one request at a time: a couple of connections are plenty. */
  max?: number;
  credentials?: () => AwsCredentials;
}

/** A token lasts 15 minutes; a fresh one every 10 keeps reconnects from ever using a stale one. */
const TOKEN_TTL_MS = 10 * 60_000;

/**
 * A `pg` pool for a Lambda. With IAM auth the password is a function, so every new connection
 * gets a valid token, and TLS is required (RDS Proxy refuses IAM auth without it).
 */
export function createLambdaPool(config: DatabaseConfig, options: LambdaPoolOptions): pg.Pool {
  const max = options.max ?? 2;
  if (config.kind === 'url') return createPool(config.url, { max, applicationName: options.applicationName });
  let cached: { token: string; expiresAt: number } | undefined;
  const password = async (): Promise<string> => {
    if (cached && cached.expiresAt > Date.now()) return cached.token;
    if (!options.credentials) throw new Error('IAM database auth needs AWS credentials');
    if (config.kind === 'secret') {
      const secret = await getSecretString({
        secretArn: config.secretArn,
        region: config.region,
        credentials: options.credentials(),
      });
      const parsed = JSON.parse(secret) as { password?: unknown };
      if (typeof parsed.password !== 'string') throw new Error('the database secret has no password');
      cached = { token: parsed.password, expiresAt: Date.now() + TOKEN_TTL_MS };
      return parsed.password;
    }
    const token = await rdsAuthToken({
      hostname: config.host,
      port: config.port,
      username: config.user,
      region: config.region,
      credentials: options.credentials(),
    });
    cached = { token, expiresAt: Date.now() + TOKEN_TTL_MS };
    return token;
  };
  const pool = new pg.Pool({
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.user,
    password,
    ssl: { rejectUnauthorized: true },
    max,
    application_name: options.applicationName,
    // A frozen Lambda keeps idle sockets; RDS Proxy closes them after its own idle timeout.
    idleTimeoutMillis: 60_000,
    connectionTimeoutMillis: 10_000,
  });
  pool.on('error', () => {});
  return pool;
}
