export * from './decoded-frame.ts';
export * from './engine-driver.ts';
export * from './game-event-worker.ts';
export * from './match-engine-driver.ts';
export * from './processed-messages.ts';
export * from './record-isolation.ts';
