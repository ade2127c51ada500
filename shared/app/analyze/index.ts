export * from './analyze-events.ts';
export * from './analyze-log-file.ts';
export * from './log-cross-check.ts';
export * from './read-event-lines.ts';
