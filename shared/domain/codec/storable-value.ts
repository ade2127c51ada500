/**
 * Whether a decoded value can be stored as it is, whatever its schema says: the walk every event
 * (known or not, extra fields included) and every envelope string goes through before a frame is
 * acked. What it refuses, each of which once made the worker retry a batch for ever:
 * - a string, or a map KEY, holding U+0000 (PostgreSQL `text` and `jsonb` both refuse it) or an
 *   unpaired surrogate U+D800–U+DFFF (`JSON.stringify` writes it as `\ud800`, which `jsonb`
 *   refuses);
 * - a number that is NaN, ±Infinity, or beyond ±2^53 (a msgpack int64 read as an inexact
 *   number, or a BigInt);
 * - nesting deeper than {@link MAX_VALUE_DEPTH}, a list or map of more than
 *   {@link MAX_COLLECTION_ITEMS} items, and anything that is not a map, list, string, number,
 *   boolean or nil (msgpack bin and extension types).
 *
 * This walk is the slow path: known events that pass their schema are proven storable by the
 * compiled check of `storable-check.ts` (native string scans, named property loads). The walk
 * runs for unknown event types and failures, where it also says where (the path, built only on
 * the way out of a failure) and why.
 */

/** The deepest nesting accepted; an event itself is level 1, `positions.players[0].pos[0]` level 4. */
export const MAX_VALUE_DEPTH = 16;
/** The most items in one list or map below an event (a frame's event count has its own limit). */
export const MAX_COLLECTION_ITEMS = 4_096;

/** Where a value breaks a rule (`.players[2].name`, relative to the value checked) and why. */
export interface StorableFault {
  path: string;
  reason: string;
}

/** Why `text` cannot be stored, or `undefined` when it can. */
export function stringFault(text: string): string | undefined {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    // One comparison for the usual character: U+0001–U+D7FF.
    if (code !== 0 && code < 0xd800) continue;
    if (code === 0) return 'contains U+0000';
    if (code >= 0xe000) continue;
    if (code <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        index++;
        continue;
      }
    }
    return `contains an unpaired surrogate U+${code.toString(16).toUpperCase()}`;
  }
  return undefined;
}

/**
 * The first part of `value` that cannot be stored, or `undefined`. `depth` is the nesting level
 * of `value` itself (1 for an event).
 */
export function findUnstorable(value: unknown, depth: number): StorableFault | undefined {
  switch (typeof value) {
    case 'string': {
      const reason = stringFault(value);
      return reason === undefined ? undefined : { path: '', reason };
    }
    case 'number':
      // False for NaN and ±Infinity too.
      if (value >= -Number.MAX_SAFE_INTEGER && value <= Number.MAX_SAFE_INTEGER) return undefined;
      return { path: '', reason: `${value} is not a finite number within ±2^53` };
    case 'boolean':
      return undefined;
    case 'object':
      if (value === null) return undefined;
      return findUnstorableIn(value, depth);
    case 'bigint':
      return { path: '', reason: 'is an integer beyond ±2^53' };
    default:
      return { path: '', reason: `is ${typeof value}, not a storable value` };
  }
}

function findUnstorableIn(value: object, depth: number): StorableFault | undefined {
  if (depth > MAX_VALUE_DEPTH) return { path: '', reason: `nests deeper than ${MAX_VALUE_DEPTH} levels` };
  if (Array.isArray(value)) {
    if (value.length > MAX_COLLECTION_ITEMS) {
      return { path: '', reason: `holds ${value.length} items, over the limit of ${MAX_COLLECTION_ITEMS}` };
    }
    for (let index = 0; index < value.length; index++) {
      const fault = findUnstorable(value[index], depth + 1);
      if (fault !== undefined) {
        fault.path = `[${index}]${fault.path}`;
        return fault;
      }
    }
    return undefined;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    return { path: '', reason: 'is not a map, list, string, number, boolean or nil (binary or extension)' };
  }
  const fields = value as Record<string, unknown>;
  let items = 0;
  for (const key in fields) {
    if (++items > MAX_COLLECTION_ITEMS) {
      return { path: '', reason: `holds over ${MAX_COLLECTION_ITEMS} keys` };
    }
    const keyReason = stringFault(key);
    if (keyReason !== undefined) return { path: keyPath(key), reason: `key ${keyReason}` };
    const fault = findUnstorable(fields[key], depth + 1);
    if (fault !== undefined) {
      fault.path = `${keyPath(key)}${fault.path}`;
      return fault;
    }
  }
  return undefined;
}

/** `.name`, or `["odd key"]` (escaped, so a NUL in a key never reaches a log line as is). */
export function keyPath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
