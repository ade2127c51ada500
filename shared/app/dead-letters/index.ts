export * from './dead-letter-replay.ts';
export * from './dead-letter-store.ts';
