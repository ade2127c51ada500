export * from './api-request.ts';
export * from './http-error.ts';
export * from './ingest-routes.ts';
export * from './openapi.ts';
export * from './params.ts';
export * from './routes.ts';
