export * from './frame-ingestor.ts';
