import { type Env, EnvReader, type LogLevel } from '../lib/config.ts';
import { type DatabaseConfig, readDatabaseConfig } from '../lib/database.ts';
import { readStreamConfig, type StreamConfig } from '../lib/stream-config.ts';

export interface PlainIngestConfig {
  logLevel: LogLevel;
  /** Where the servers and the `ingest_channels` outboxes are. */
  database: DatabaseConfig;
  stream: StreamConfig;
  /** `raw-game-events`. */
  rawStream: string;
  /** The game servers' local time minus UTC, in minutes: CS2 log times are local. */
  utcOffsetMinutes: number;
}

/**
 * `LOG_LEVEL`, the database variables, the stream engine's variables, `RAW_STREAM` (default
 * `raw-game-events`) and `LOG_UTC_OFFSET_MINUTES` (default 0).
 */
export function loadConfig(env: Env): PlainIngestConfig {
  const reader = new EnvReader(env);
  return reader.done({
    logLevel: reader.logLevel(),
    database: readDatabaseConfig(reader),
    stream: readStreamConfig(reader),
    rawStream: reader.optionalString('RAW_STREAM') ?? 'raw-game-events',
    // UTC-12:00 to UTC+14:00, the offsets in use.
    utcOffsetMinutes: reader.int('LOG_UTC_OFFSET_MINUTES', { fallback: 0, min: -720, max: 840 }),
  });
}
