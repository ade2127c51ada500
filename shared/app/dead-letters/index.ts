export * from './dead-letter-replay.ts';
