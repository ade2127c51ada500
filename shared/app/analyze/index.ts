export * from './analyze-events.ts';
export * from './read-event-lines.ts';
