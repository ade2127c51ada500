export * from './map-webhook-event.ts';
export * from './round-end-reason-codes.ts';
export * from './webhook-live-events.ts';
export * from './webhook-match-state.ts';
export * from './webhook-payload.ts';
export * from './webhook-round-results.ts';
export * from './webhook-source.ts';
