export * from './catalog.ts';
export * from './stored-form.ts';
