import { describe, expect, it } from 'vitest';
import { loadConfig as loadBroadcasterConfig } from '../broadcaster/config.ts';
import { loadConfig as loadWorkerConfig } from '../worker/config.ts';
import { ConfigError } from './config.ts';

const workerEnv = {
  AWS_REGION: 'eu-central-1',
  DB_HOST: 'geqo.proxy-abc.eu-central-1.rds.amazonaws.com',
  DB_NAME: 'geqo',
  DB_USER: 'geqo',
  DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-central-1.amazonaws.com/123456789012/raw-game-events-dlq',
};

describe('loadConfig', () => {
  it('reads a complete worker environment with defaults', async () => {
    // Act
    const config = loadWorkerConfig(workerEnv);
    // Assess
    expect(config).toEqual({
      logLevel: 'info',
      database: {
        kind: 'iam',
        host: workerEnv.DB_HOST,
        port: 5432,
        database: 'geqo',
        user: 'geqo',
        region: 'eu-central-1',
      },
      stream: { engine: 'kinesis', region: 'eu-central-1' },
      processedStream: 'processed-game-events',
      deadLetterQueueUrl: workerEnv.DEAD_LETTER_QUEUE_URL,
    });
  });

  it('names every missing or bad variable at once', async () => {
    // Prepare
    const env = { LOG_LEVEL: 'loud', DB_PORT: 'x', STREAM_ENGINE: 'kafka' };
    // Act
    const error = (() => {
      try {
        loadWorkerConfig(env);
      } catch (caught) {
        return caught;
      }
    })();
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'LOG_LEVEL must be one of debug, info, warn, error (got "loud")',
      'DB_HOST is required',
      'DB_PORT must be an integer from 1 to 65535 (got "x")',
      'DB_NAME is required',
      'DB_USER is required',
      'AWS_REGION is required',
      'KAFKA_BROKERS is required when STREAM_ENGINE is kafka',
      'DEAD_LETTER_QUEUE_URL is required',
    ]);
  });

  it('takes DATABASE_URL instead of the IAM variables and checks URLs', async () => {
    expect(() =>
      loadBroadcasterConfig({
        DATABASE_URL: 'postgres://x@db/geqo',
        AWS_REGION: 'eu-central-1',
        DASHBOARD_WS_ENDPOINT: 'wss:/nope',
      }),
    ).toThrow('DASHBOARD_WS_ENDPOINT must be an http(s) URL');
    const config = loadBroadcasterConfig({
      DATABASE_URL: 'postgres://x@db/geqo',
      AWS_REGION: 'eu-central-1',
      DASHBOARD_WS_ENDPOINT: 'https://abc.execute-api.eu-central-1.amazonaws.com/prod',
    });
    expect(config.database).toEqual({ kind: 'url', url: 'postgres://x@db/geqo' });
  });
});

describe('the migrations function database settings', () => {
  it('reads the owner password secret and the IAM role it makes (small profile), and IAM alone otherwise', async () => {
    const { loadConfig: loadMigrateConfig } = await import('../migrate/config.ts');
    const base = {
      AWS_REGION: 'eu-central-1',
      DB_HOST: 'c.cluster-x.rds.amazonaws.com',
      DB_NAME: 'geqo',
      DB_USER: 'geqo',
    };
    const small = loadMigrateConfig({
      ...base,
      DB_SECRET_ARN: 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:geqo-db',
      DB_IAM_APP_USER: 'geqo_app',
    });
    expect(small.database).toMatchObject({
      kind: 'secret',
      secretArn: 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:geqo-db',
      user: 'geqo',
    });
    expect(small.iamAppUser).toBe('geqo_app');
    const production = loadMigrateConfig(base);
    expect(production.database.kind).toBe('iam');
    expect(production.iamAppUser).toBeUndefined();
  });
});
