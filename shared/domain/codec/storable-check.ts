/**
 * A compiled "is this event storable" check per catalog type, for events that already passed the
 * type's schema (so every known number is typed and bounded, every known field has its type).
 * What is left to prove, in one pass of straight-line code: each free-text string of the schema
 * is storable, each key the schema does not name (a newer sender's extra field) is storable with
 * its value (then walked by `findUnstorable`), and each `Type.Record` key is storable.
 *
 * Why generated code: a generic walk over every value of every event (`findUnstorable`) cost
 * about twice the schema check itself (keyed loads over objects of every shape), which took the
 * codec under 80 % of the msgpackr + lz4js ceiling. Named property loads, as TypeBox compiles
 * its own checks, keep it to a fraction. `false` says only *that* something is wrong: the caller
 * walks the event with `findUnstorable` to say where and why. To turn it off, walk every event
 * with `findUnstorable` instead (same verdicts, slower).
 */
import type { TSchema } from '@sinclair/typebox';
import { findUnstorable } from './storable-value.ts';

/** Whether an event that passed its schema is storable. */
export type StorableCheck = (event: Record<string, unknown>) => boolean;

/** Compiles the storable check of one catalog schema (an object schema). */
export function compileStorableCheck(schema: TSchema): StorableCheck {
  const generator = new Generator();
  const body = generator.object(schema, 'event', 1);
  const factory = new Function(
    'text',
    'extra',
    `return function storable(event) {\n${body}\nreturn true;\n}`,
  );
  return factory(isStorableText, isStorableExtra) as StorableCheck;
}

/** `String.prototype.isWellFormed` (Node 20; not yet in the TypeScript lib this project targets). */
type WellFormedText = string & { isWellFormed(): boolean };

/**
 * Two native scans (no unpaired surrogate, no U+0000): about 15 ns for an 12-character string,
 * against 37 for a charCode loop, and most of what this check costs.
 */
export function isStorableText(text: string): boolean {
  return (text as WellFormedText).isWellFormed() && text.indexOf('\0') === -1;
}

function isStorableExtra(key: string, value: unknown, depth: number): boolean {
  return isStorableText(key) && findUnstorable(value, depth) === undefined;
}

class Generator {
  private variables = 0;

  /** Statements checking `expression`, an object matching `schema`, at nesting `depth`. */
  object(schema: TSchema, expression: string, depth: number): string {
    const lines: string[] = [];
    if (schema.patternProperties !== undefined) {
      // A record: its values are numbers the schema bounded; its keys are free text.
      const key = this.variable();
      lines.push(`for (const ${key} in ${expression}) if (!text(${key})) return false;`);
      return lines.join('\n');
    }
    const properties = (schema.properties ?? {}) as Record<string, TSchema>;
    for (const [name, property] of Object.entries(properties)) {
      lines.push(this.value(property, `${expression}[${JSON.stringify(name)}]`, depth + 1));
    }
    // Extra keys: counting the keys and the known fields present is cheaper than comparing every
    // key with every name; only a mismatch (an extra field) looks at each key.
    const key = this.variable();
    const count = this.variable();
    const names = Object.keys(properties);
    const present = names.map((name) => `(${expression}[${JSON.stringify(name)}] !== undefined)`).join(' + ');
    const known = names.map((name) => `${key} !== ${JSON.stringify(name)}`).join(' && ');
    lines.push(
      `let ${count} = 0; for (const ${key} in ${expression}) ${count}++;`,
      `if (${count} !== ${present || '0'}) for (const ${key} in ${expression}) if (${known || 'true'} && !extra(${key}, ${expression}[${key}], ${depth + 1})) return false;`,
    );
    return lines.filter((line) => line !== '').join('\n');
  }

  /** Statements checking `expression` (possibly absent, when optional) against `schema`. */
  private value(schema: TSchema, expression: string, depth: number): string {
    if (hasFreeText(schema)) {
      const item = this.variable();
      return `{ const ${item} = ${expression}; if (typeof ${item} === 'string' && (!${item}.isWellFormed() || ${item}.indexOf('\\0') !== -1)) return false; }`;
    }
    if (schema.type === 'object') {
      const item = this.variable();
      return `{ const ${item} = ${expression}; if (${item} !== undefined) {\n${this.object(schema, item, depth)}\n} }`;
    }
    if (schema.type === 'array' && !Array.isArray(schema.items) && schema.items !== undefined) {
      const inner = this.value(schema.items as TSchema, '', depth + 1);
      if (inner === '') return '';
      const list = this.variable();
      const item = this.variable();
      return `{ const ${list} = ${expression}; if (${list} !== undefined) for (const ${item} of ${list}) {\n${this.value(schema.items as TSchema, item, depth + 1)}\n} }`;
    }
    if (schema.type === 'array' && Array.isArray(schema.items)) {
      const list = this.variable();
      const items = (schema.items as TSchema[])
        .map((item, index) => this.value(item, `${list}[${index}]`, depth + 1))
        .filter((line) => line !== '');
      if (items.length === 0) return '';
      return `{ const ${list} = ${expression}; if (${list} !== undefined) {\n${items.join('\n')}\n} }`;
    }
    // Numbers, booleans and literals: the schema has checked them whole.
    return '';
  }

  private variable(): string {
    this.variables += 1;
    return `v${this.variables}`;
  }
}

/** A string schema that is not a literal, or a union holding one. */
function hasFreeText(schema: TSchema): boolean {
  if (schema.type === 'string') return schema.const === undefined;
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as TSchema[]).some(hasFreeText);
  return false;
}
