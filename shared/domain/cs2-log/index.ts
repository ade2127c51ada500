export * from './log-line-prefix.ts';
export * from './log-parse-context.ts';
export * from './log-player-token.ts';
export * from './log-stream-parser.ts';
export * from './parse-log-line.ts';
export * from './round-stats-block.ts';
export * from './steam-id.ts';
