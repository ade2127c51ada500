/**
 * Match ids are derived from the stable key of the event that opened the match, so a worker that
 * crashes and replays the same records gives every match the same id again.
 */
import type { EventKey } from './enrichment.ts';

/**
 * `m_` and 16 hex digits: a 64-bit hash (two FNV-1a lanes) of the server id and the opening
 * event's `(session, seq, index)`. Not cryptographic; collisions are as rare as 64 random bits.
 */
export function deriveMatchId(serverId: string, key: EventKey): string {
  const text = JSON.stringify([serverId, key.session, key.seq, key.index]);
  let low = 0x811c9dc5;
  let high = 0x01000193 ^ 0x5bd1e995;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    low = Math.imul(low ^ code, 0x01000193);
    high = Math.imul(high ^ code, 0x5bd1e995) ^ (high >>> 15);
  }
  return `m_${hex32(high)}${hex32(low)}`;
}

function hex32(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}
