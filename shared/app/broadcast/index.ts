export * from './broadcaster.ts';
export * from './dashboard-session.ts';
