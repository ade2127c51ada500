export * from './frame-sequencer.ts';
