export type * from './connections.ts';
export type * from './dead-letter-sink.ts';
export * from './errors.ts';
export type * from './event-store.ts';
export type * from './event-stream.ts';
export type * from './logger.ts';
export type * from './match-stats-store.ts';
