export * from './pipeline-error.ts';
