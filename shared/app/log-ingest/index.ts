export * from './ingest-channels.ts';
export * from './keyed-serial-queue.ts';
export * from './log-ingestor.ts';
export * from './webhook-ingestor.ts';
