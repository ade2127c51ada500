/**
 * The local runtime's configuration: environment variables, overridden by command-line flags.
 * Every bad value is named at once; nothing else in the runtime reads `process.env`.
 */
import { resolve } from 'node:path';
import { parseRoles, ROLES, type Role } from './roles/roles.ts';

export type StreamEngine = 'postgres' | 'memory' | 'kinesis' | 'kafka';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface LocalConfig {
  /** `GEQO_ROLES` / `--role`: what this process runs (default: every role). See `roles/roles.ts`. */
  roles: Role[];
  /** `DATABASE_URL`; when unset an embedded PostgreSQL runs with its data under `dataDir`. */
  databaseUrl: string | null;
  dataDir: string;
  embeddedPostgresPort: number;
  host: string;
  ingestPort: number;
  httpPort: number;
  stream: StreamEngine;
  rawStream: string;
  processedStream: string;
  kafkaBrokers: string[];
  kinesisEndpoint: string | null;
  awsRegion: string;
  logLevel: LogLevel;
  /** `GEQO_LOG_FORMAT`: `auto` is readable lines on a terminal, JSON lines otherwise. */
  logFormat: 'auto' | 'json' | 'pretty';
  /** Optional bearer token for the admin REST routes; without it they answer loopback callers only. */
  adminToken: string | null;
  /** Optional bearer token (`GEQO_READ_TOKEN`) that REST reads and the `/ws` upgrade then need; unset, they are open. */
  readToken: string | null;
  /** Records the worker reads per batch. */
  workerBatchSize: number;
  /**
   * Run the worker in its own thread (the PostgreSQL stream only), so ingest never waits behind a
   * batch being prepared. `GEQO_WORKER_THREAD=off` keeps everything on the main thread.
   */
  workerThread: boolean;
  /** Frames per second one plugin connection may send before `RATE_LIMITED`. */
  maxFramesPerSecond: number;
  /** A match in warmup or live with nothing from its server for this long is abandoned. */
  abandonAfterMinutes: number;
  /**
   * `GEQO_STREAM_RETENTION_MINUTES`: how long the PostgreSQL stream keeps a frame once every
   * consumer has committed past it (then it is deleted; its events are stored).
   */
  streamRetentionMinutes: number;
  /** `GEQO_RADAR_DIR`: radar images (`de_nuke.png`, `de_nuke_lower.png`, …) the dashboard draws under its replay. */
  radarDir: string | null;
  /** `GEQO_ALLOWED_ORIGINS`: origins, besides the page's own host, whose pages may open `/ws`. */
  allowedOrigins: string[];
  /** Topics one `/ws` connection may follow. */
  wsMaxSubscriptions: number;
  /** Open `/ws` connections from one remote address. */
  wsMaxConnectionsPerAddress: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export type ConfigOverrides = Partial<LocalConfig>;

const STREAMS: readonly StreamEngine[] = ['postgres', 'memory', 'kinesis', 'kafka'];
const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export function loadConfig(env: NodeJS.ProcessEnv, overrides: ConfigOverrides = {}): LocalConfig {
  const problems: string[] = [];
  const port = (key: string, fallback: number): number => {
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0 || value > 65_535)
      problems.push(`${key}: "${raw}" is not a port`);
    return value;
  };
  const positive = (key: string, fallback: number): number => {
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0) problems.push(`${key}: "${raw}" is not a positive integer`);
    return value;
  };
  const oneOf = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    if (!allowed.includes(raw as T)) problems.push(`${key}: "${raw}" is not one of ${allowed.join(', ')}`);
    return raw as T;
  };
  // `*`, or origins as a browser sends them: `scheme://host[:port]`, nothing after.
  const origins = (key: string): string[] =>
    (env[key] || '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean)
      .map((origin) => {
        if (origin === '*') return origin;
        try {
          const { origin: parsed } = new URL(origin);
          if (parsed === origin.replace(/\/$/, '').toLowerCase()) return parsed;
        } catch {
          // named below
        }
        problems.push(`${key}: "${origin}" is not an origin like https://host:port`);
        return origin;
      });
  const config: LocalConfig = {
    roles: env.GEQO_ROLES ? parseRoles(env.GEQO_ROLES, problems) : [...ROLES],
    databaseUrl: env.DATABASE_URL || null,
    dataDir: resolve(env.GEQO_DATA_DIR || '.geqo'),
    embeddedPostgresPort: port('GEQO_PG_PORT', 54_329),
    host: env.GEQO_HOST || '0.0.0.0',
    ingestPort: port('GEQO_INGEST_PORT', 13_880),
    httpPort: port('GEQO_HTTP_PORT', 8_080),
    stream: oneOf('GEQO_STREAM', STREAMS, 'postgres'),
    rawStream: env.GEQO_RAW_STREAM || 'raw-game-events',
    processedStream: env.GEQO_PROCESSED_STREAM || 'processed-game-events',
    kafkaBrokers: (env.GEQO_KAFKA_BROKERS || '')
      .split(',')
      .map((broker) => broker.trim())
      .filter(Boolean),
    kinesisEndpoint: env.GEQO_KINESIS_ENDPOINT || null,
    awsRegion: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    logLevel: oneOf('GEQO_LOG_LEVEL', LEVELS, 'info'),
    logFormat: oneOf('GEQO_LOG_FORMAT', ['auto', 'json', 'pretty'], 'auto'),
    adminToken: env.GEQO_ADMIN_TOKEN || null,
    readToken: env.GEQO_READ_TOKEN || null,
    workerBatchSize: positive('GEQO_WORKER_BATCH_SIZE', 40),
    workerThread: oneOf('GEQO_WORKER_THREAD', ['on', 'off'], 'on') === 'on',
    maxFramesPerSecond: positive('GEQO_MAX_FRAMES_PER_SECOND', 2_000),
    abandonAfterMinutes: positive('GEQO_ABANDON_AFTER_MINUTES', 30),
    streamRetentionMinutes: positive('GEQO_STREAM_RETENTION_MINUTES', 60),
    radarDir: env.GEQO_RADAR_DIR ? resolve(env.GEQO_RADAR_DIR) : null,
    allowedOrigins: origins('GEQO_ALLOWED_ORIGINS'),
    wsMaxSubscriptions: positive('GEQO_WS_MAX_SUBSCRIPTIONS', 64),
    wsMaxConnectionsPerAddress: positive('GEQO_WS_MAX_CONNECTIONS_PER_ADDRESS', 32),
  };
  if (config.databaseUrl && !/^postgres(ql)?:\/\//.test(config.databaseUrl)) {
    problems.push('DATABASE_URL: expected a postgres:// connection string');
  }
  const merged = {
    ...config,
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  };
  if (merged.stream === 'kafka' && merged.kafkaBrokers.length === 0) {
    problems.push('GEQO_KAFKA_BROKERS (or --brokers): required with the kafka stream');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return merged;
}
