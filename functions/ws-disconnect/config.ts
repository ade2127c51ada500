import { type Env, EnvReader, type LogLevel } from '../lib/config.ts';

export interface WsConnectionConfig {
  logLevel: LogLevel;
}

/** `LOG_LEVEL` only: this function talks to nothing. */
export function loadConfig(env: Env): WsConnectionConfig {
  const reader = new EnvReader(env);
  return reader.done({ logLevel: reader.logLevel() });
}
