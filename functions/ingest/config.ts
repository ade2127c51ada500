import { type Env, EnvReader, type LogLevel } from '../lib/config.ts';
import { readStreamConfig, type StreamConfig } from '../lib/stream-config.ts';

export interface IngestConfig {
  logLevel: LogLevel;
  stream: StreamConfig;
  /** `raw-game-events`. */
  rawStream: string;
}

/** `LOG_LEVEL`, `RAW_STREAM` (default `raw-game-events`) and the stream engine's variables. */
export function loadConfig(env: Env): IngestConfig {
  const reader = new EnvReader(env);
  return reader.done({
    logLevel: reader.logLevel(),
    stream: readStreamConfig(reader),
    rawStream: reader.optionalString('RAW_STREAM') ?? 'raw-game-events',
  });
}
