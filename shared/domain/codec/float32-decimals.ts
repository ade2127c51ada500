/**
 * A plugin written with MessagePack-CSharp sends each C# `float` (a position, a yaw, a blind's
 * duration) as a 32-bit float. Read into a JavaScript number, a 32-bit float is its exact binary
 * value: the 1234.57 the plugin had arrives as 1234.5699462890625, stored and served as JSON in
 * twice the characters, and not the number the game showed. Each such value is read as the
 * shortest decimal that is the same 32-bit float, as C# and the game print it (1234.57): the
 * float the plugin sent is kept exactly, in fewer characters (about 9 against 17 for coordinates).
 *
 * Only numbers a 32-bit float holds exactly are changed, and only where the catalog has a
 * non-integer number ({@link compileFloat32Reader}); a sender that writes 64-bit floats (the
 * replay client, a JSON file) sends values a 32-bit float does not hold, which stay as they are.
 */
import type { TSchema } from '@sinclair/typebox';

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * The shortest decimal (as a number) that reads back as the same 32-bit float as `value`; `value`
 * itself when a 32-bit float does not hold it exactly, when it is an integer, or outside the
 * magnitudes the catalog's numbers take (a billionth to a billion).
 */
export function shortestFloat32Decimal(value: number): number {
  if (Number.isInteger(value) || Math.fround(value) !== value || !Number.isFinite(value)) return value;
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  if (magnitude < -9 || magnitude > 9) return value;
  // Six significant digits always tell apart fewer than there are 32-bit floats in a decade, so a
  // shorter decimal that names this float is found by rounding to six: 87.6000 reads as 87.6.
  for (let digits = 6; digits <= 9; digits++) {
    const decimals = digits - 1 - magnitude;
    // Fewer digits than the integer part has: rounding to them cannot name a float with a fraction.
    if (decimals < 0) continue;
    const scale = POWERS_OF_TEN[decimals] as number;
    const candidate = Math.round(value * scale) / scale;
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

/** Rewrites, in place, every non-integer number of an event that passed its schema. */
export type Float32Reader = (event: Record<string, unknown>) => void;

/**
 * Compiles, for one catalog schema (an object schema), the code that reads its non-integer
 * numbers with {@link shortestFloat32Decimal}: named property loads and stores only, as
 * `storable-check.ts` compiles its check. `null` when the schema has no such number.
 */
export function compileFloat32Reader(schema: TSchema): Float32Reader | null {
  const generator = new Generator();
  const body = generator.object(schema, 'event');
  if (body === '') return null;
  const factory = new Function('shortest', `return function readFloat32(event) {\n${body}\n};`);
  return factory(shortestFloat32Decimal) as Float32Reader;
}

class Generator {
  private variables = 0;

  object(schema: TSchema, expression: string): string {
    // Records (`Type.Record`) are skipped: their numbers come from text (a server's scoreboard).
    if (schema.patternProperties !== undefined) return '';
    const properties = (schema.properties ?? {}) as Record<string, TSchema>;
    return Object.entries(properties)
      .map(([name, property]) => this.value(property, `${expression}[${JSON.stringify(name)}]`))
      .filter((line) => line !== '')
      .join('\n');
  }

  /** Statements reading `target` (an assignable expression, possibly absent) against `schema`. */
  private value(schema: TSchema, target: string): string {
    if (schema.type === 'number') {
      return `if (typeof ${target} === 'number') ${target} = shortest(${target});`;
    }
    if (schema.type === 'object') {
      const item = this.variable();
      const inner = this.object(schema, item);
      return inner === '' ? '' : `{ const ${item} = ${target}; if (${item} !== undefined) {\n${inner}\n} }`;
    }
    if (schema.type === 'array' && Array.isArray(schema.items)) {
      const list = this.variable();
      const items = (schema.items as TSchema[])
        .map((item, index) => this.value(item, `${list}[${index}]`))
        .filter((line) => line !== '');
      return items.length === 0
        ? ''
        : `{ const ${list} = ${target}; if (${list} !== undefined) {\n${items.join('\n')}\n} }`;
    }
    if (schema.type === 'array' && schema.items !== undefined) {
      const list = this.variable();
      const index = this.variable();
      const inner = this.value(schema.items as TSchema, `${list}[${index}]`);
      return inner === ''
        ? ''
        : `{ const ${list} = ${target}; if (${list} !== undefined) for (let ${index} = 0; ${index} < ${list}.length; ${index}++) {\n${inner}\n} }`;
    }
    if (Array.isArray(schema.anyOf)) {
      // An optional field or a union: each number branch is read where the value is a number.
      return (schema.anyOf as TSchema[]).some((branch) => branch.type === 'number')
        ? `if (typeof ${target} === 'number') ${target} = shortest(${target});`
        : '';
    }
    return '';
  }

  private variable(): string {
    this.variables += 1;
    return `v${this.variables}`;
  }
}
