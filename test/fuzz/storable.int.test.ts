/**
 * `isStorable` is only worth its name if PostgreSQL agrees: whatever it calls storable, a real
 * server takes (as text, jsonb and timestamptz), and what it refuses for NUL, lone surrogates
 * and non-finite numbers, the server refuses too. (Its bounds on numbers, depth and years are
 * deliberately tighter than the server's.)
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { nested } from './support/hostile-values.ts';
import {
  EARLIEST_TS,
  eventProblem,
  LATEST_TS,
  MAX_JSON_DEPTH,
  textProblem,
  valueProblem,
} from './support/storable.ts';

let database: TestDatabase;
let db: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase('geqo_storable');
  db = new pg.Client(database.url);
  await db.connect();
  await db.query('CREATE TABLE probe (t text, j jsonb, ts timestamptz)');
});

afterAll(async () => {
  await db?.end();
  await database?.drop();
});

async function accepts(sql: string, value: unknown): Promise<boolean> {
  try {
    await db.query('SAVEPOINT probe');
    await db.query(sql, [value]);
    await db.query('RELEASE SAVEPOINT probe');
    return true;
  } catch {
    await db.query('ROLLBACK TO SAVEPOINT probe');
    return false;
  }
}

const TEXTS = [
  'plain',
  'é😀',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00',
  '\ud83d\ude00',
  '\u0007\u001b',
  '\\u0000',
];
const VALUES: unknown[] = [
  { a: 1 },
  { a: 'b\u0000' },
  { 'k\u0000': 1 },
  { a: '\ud800' },
  { '\udfff': 1 },
  [1.5, -2, 2 ** 53 - 1],
  { nested: [[[['deep']]]] },
  { text: '\u2028\u2029\ufeff' },
];

describe('isStorable mirrors PostgreSQL', () => {
  it('calls a string storable exactly when a text and a jsonb column take it', async () => {
    await db.query('BEGIN');
    for (const text of TEXTS) {
      const storable = textProblem(text) === null;
      expect(await accepts('INSERT INTO probe (t) VALUES ($1)', text), JSON.stringify(text)).toBe(
        // node-postgres sends a lone surrogate as U+FFFD: text takes it (as another value), jsonb does not
        storable || /[\ud800-\udfff]/.test(text),
      );
      expect(
        await accepts('INSERT INTO probe (j) VALUES ($1::jsonb)', JSON.stringify({ text })),
        JSON.stringify(text),
      ).toBe(storable);
    }
    await db.query('ROLLBACK');
  });

  it('calls a JSON value storable exactly when a jsonb column takes it', async () => {
    await db.query('BEGIN');
    for (const value of VALUES) {
      expect(
        await accepts('INSERT INTO probe (j) VALUES ($1::jsonb)', JSON.stringify(value)),
        JSON.stringify(value),
      ).toBe(valueProblem(value) === null);
    }
    // NaN and Infinity have no JSON form; JSON.stringify writes null, another value.
    expect(valueProblem({ x: Number.NaN })).not.toBeNull();
    expect(await accepts('INSERT INTO probe (j) VALUES ($1::jsonb)', '{"x": NaN}')).toBe(false);
    await db.query('ROLLBACK');
  });

  it('agrees with PostgreSQL on nesting: 10,000 levels taken, 20,000 refused', async () => {
    await db.query('BEGIN');
    for (const depth of [MAX_JSON_DEPTH, 2 * MAX_JSON_DEPTH]) {
      const value = nested(depth, 'map');
      // JSON.stringify recurses too deep for this: the same text, written out.
      const text = `${'{"n":'.repeat(depth)}1${'}'.repeat(depth)}`;
      expect(await accepts('INSERT INTO probe (j) VALUES ($1::jsonb)', text), String(depth)).toBe(
        valueProblem(value) === null,
      );
    }
    await db.query('ROLLBACK');
  });

  it('takes every timestamp it calls storable, the first and last of years 1 to 9999 included', async () => {
    await db.query('BEGIN');
    for (const ts of [EARLIEST_TS, 0, Date.UTC(2026, 1, 9), LATEST_TS]) {
      expect(eventProblem({ type: 'round_start', ts })).toBeNull();
      expect(await accepts('INSERT INTO probe (ts) VALUES ($1)', new Date(ts)), String(ts)).toBe(true);
    }
    for (const ts of [9e15, 8.64e15 + 1, Number.NaN, 1.5, 2 ** 53 + 1, LATEST_TS + 1, EARLIEST_TS - 1]) {
      expect(eventProblem({ type: 'round_start', ts }), String(ts)).not.toBeNull();
    }
    await db.query('ROLLBACK');
  });
});
