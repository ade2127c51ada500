export * from './aggregation-sweep.ts';
export * from './match-aggregator.ts';
export * from './match-stats-service.ts';
