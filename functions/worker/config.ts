import { type Env, EnvReader, type LogLevel } from '../lib/config.ts';
import { type DatabaseConfig, readDatabaseConfig } from '../lib/database.ts';
import { readStreamConfig, type StreamConfig } from '../lib/stream-config.ts';

export interface WorkerConfig {
  logLevel: LogLevel;
  database: DatabaseConfig;
  stream: StreamConfig;
  /** `processed-game-events`. */
  processedStream: string;
  /** The SQS queue poison records go to, with payload and reason. */
  deadLetterQueueUrl: string;
  sqsEndpoint?: string;
}

/**
 * `LOG_LEVEL`, the database variables, the stream engine's variables, `PROCESSED_STREAM`
 * (default `processed-game-events`), `DEAD_LETTER_QUEUE_URL` (+ `SQS_ENDPOINT` for a stand-in).
 */
export function loadConfig(env: Env): WorkerConfig {
  const reader = new EnvReader(env);
  const sqsEndpoint = reader.optionalString('SQS_ENDPOINT');
  return reader.done({
    logLevel: reader.logLevel(),
    database: readDatabaseConfig(reader),
    stream: readStreamConfig(reader),
    processedStream: reader.optionalString('PROCESSED_STREAM') ?? 'processed-game-events',
    deadLetterQueueUrl: reader.url('DEAD_LETTER_QUEUE_URL'),
    ...(sqsEndpoint ? { sqsEndpoint } : {}),
  });
}
