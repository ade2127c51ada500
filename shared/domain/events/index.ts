export * from './catalog.ts';
export * from './field-bounds.ts';
export * from './stored-form.ts';
