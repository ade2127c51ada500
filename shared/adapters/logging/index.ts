export * from './pino-logger.ts';
