export * from './presented-token.ts';
export * from './server-registry.ts';
export * from './server-token.ts';
