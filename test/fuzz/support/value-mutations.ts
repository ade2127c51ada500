/**
 * Mutations of a JSON-like value at a random place inside it: a field replaced by a hostile
 * value, deleted, a hostile string put inside a string, an extra key. A place is chosen by a
 * walk: each number picks a child (array item or map key) at its level.
 */
import fc from 'fast-check';
import { hostileString, hostileValue } from './hostile-values.ts';

type Path = (string | number)[];

export type ValueMutation =
  | { kind: 'replace'; choices: number[]; value: unknown }
  | { kind: 'delete'; choices: number[] }
  | { kind: 'inject'; choices: number[]; text: string; at: number }
  | { kind: 'extra-key'; choices: number[]; key: string; value: unknown };

const choices = fc.array(fc.nat(), { minLength: 1, maxLength: 6 });

export const valueMutation: fc.Arbitrary<ValueMutation> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('replace' as const), choices, value: hostileValue }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), choices }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('inject' as const),
      choices,
      text: hostileString,
      at: fc.nat(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('extra-key' as const),
      choices,
      key: fc.oneof(hostileString, fc.constantFrom('unknown', 'ts', 'type', '__proto__')),
      value: hostileValue,
    }),
  },
);

/** A path into `root` chosen by walking `choices` (each picks a child at its level). */
function pickPath(root: unknown, walk: readonly number[]): Path {
  const path: Path = [];
  let node = root;
  for (const choice of walk) {
    if (Array.isArray(node) && node.length > 0) {
      const index = choice % node.length;
      path.push(index);
      node = node[index];
    } else if (isMap(node)) {
      const keys = Object.keys(node);
      if (keys.length === 0) break;
      const key = keys[choice % keys.length]!;
      path.push(key);
      node = node[key];
    } else {
      break;
    }
  }
  return path;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

/** Applies `change` inside `root` (in place) and says what it did, naming the place `label…`. */
export function applyValueMutation(root: unknown, change: ValueMutation, label: string): string {
  const path = pickPath(root, change.choices);
  if (path.length === 0) return `${change.kind}: no target`;
  let parent = root as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const key = path.at(-1)!;
  const where = `${label}${path.map((step) => `[${JSON.stringify(step)}]`).join('')}`;
  switch (change.kind) {
    case 'replace':
      parent[key] = change.value;
      return `${where} = ${show(change.value)}`;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      return `delete ${where}`;
    case 'inject': {
      const current = parent[key];
      if (typeof current !== 'string') {
        parent[key] = change.text;
        return `${where} = ${show(change.text)}`;
      }
      const cut = change.at % (current.length + 1);
      parent[key] = current.slice(0, cut) + change.text + current.slice(cut);
      return `${where} with ${show(change.text)} at ${cut}`;
    }
    case 'extra-key': {
      const target = parent[key];
      if (isMap(target)) {
        target[change.key] = change.value;
        return `${where}[${show(change.key)}] = ${show(change.value)}`;
      }
      parent[key] = { [change.key]: change.value };
      return `${where} = {${show(change.key)}: ${show(change.value)}}`;
    }
  }
}

/** A value, short, for a failure's report. */
export function show(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…(${value.length})` : value);
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (value instanceof Uint8Array) return `bin(${value.length})`;
  if (value instanceof Date) return `Date(${value.getTime()})`;
  try {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 60 ? `${text.slice(0, 60)}…` : text;
  } catch {
    return Array.isArray(value) ? 'a deeply nested array' : 'a deeply nested map';
  }
}

/**
 * The case, printed by fast-check as the steps that made it: its values may nest deeper than
 * fast-check's own printer can recurse.
 */
export function withSteps<T extends { steps: readonly string[] }>(value: T): T {
  Object.defineProperty(value, fc.toStringMethod, { value: () => value.steps.join('; '), enumerable: false });
  return value;
}
