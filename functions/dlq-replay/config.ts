import { type Env, EnvReader, type LogLevel } from '../lib/config.ts';
import { readStreamConfig, type StreamConfig } from '../lib/stream-config.ts';

export interface DlqReplayConfig {
  logLevel: LogLevel;
  stream: StreamConfig;
  rawStream: string;
  deadLetterQueueUrl: string;
  sqsEndpoint?: string;
}

/** `LOG_LEVEL`, the stream engine's variables, `RAW_STREAM`, `DEAD_LETTER_QUEUE_URL` (+ `SQS_ENDPOINT`). */
export function loadConfig(env: Env): DlqReplayConfig {
  const reader = new EnvReader(env);
  const sqsEndpoint = reader.optionalString('SQS_ENDPOINT');
  return reader.done({
    logLevel: reader.logLevel(),
    stream: readStreamConfig(reader),
    rawStream: reader.optionalString('RAW_STREAM') ?? 'raw-game-events',
    deadLetterQueueUrl: reader.url('DEAD_LETTER_QUEUE_URL'),
    ...(sqsEndpoint ? { sqsEndpoint } : {}),
  });
}
