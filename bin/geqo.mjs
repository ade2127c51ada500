#!/usr/bin/env node
// The `geqo` command. The project runs its TypeScript sources directly through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../cli/src/main.ts');
