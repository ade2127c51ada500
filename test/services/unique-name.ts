import { randomBytes } from 'node:crypto';

/** A name no other test run uses (streams, queues, topics, consumer groups): `prefix-<time>-<random>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}
