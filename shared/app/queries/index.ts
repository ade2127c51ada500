export * from './match-queries.ts';
