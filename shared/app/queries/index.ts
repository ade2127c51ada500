export * from './match-queries.ts';
export * from './stats-queries.ts';
