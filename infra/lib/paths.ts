import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (infra/lib/ is two levels down). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The entry file of a function: `functions/<name>/handler.ts`. */
export const functionEntry = (name: string): string => resolve(REPO_ROOT, 'functions', name, 'handler.ts');
