export * from './prometheus-metrics.ts';
