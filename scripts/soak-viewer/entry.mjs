// The soak's dashboard viewer thread: the project runs its TypeScript sources through tsx, which
// each thread registers for itself.
import { register } from 'tsx/esm/api';

register();
await import('./viewer.ts');
