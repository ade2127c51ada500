export * from './pino-logger.ts';
export * from './redact.ts';
