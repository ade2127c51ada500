import { describe, expect, it } from 'vitest';
import { inlineSql, sqlLiteral } from './sql-literals.ts';

describe('sqlLiteral', () => {
  it('quotes strings, doubling quotes, and escapes backslashes in an E string', () => {
    expect(sqlLiteral("O'Brien")).toBe("'O''Brien'");
    expect(sqlLiteral('{"a":"\\"q\\""}')).toBe(`E'{"a":"\\\\"q\\\\""}'`);
    expect(sqlLiteral('')).toBe("''");
  });

  it('writes numbers, booleans and null as they are, and refuses what SQL cannot read', () => {
    expect(sqlLiteral(42)).toBe('42');
    expect(sqlLiteral(-1.5)).toBe('-1.5');
    expect(sqlLiteral(true)).toBe('true');
    expect(sqlLiteral(null)).toBe('NULL');
    expect(sqlLiteral(undefined)).toBe('NULL');
    expect(() => sqlLiteral(Number.NaN)).toThrow(/NaN/);
  });
});

describe('inlineSql', () => {
  it('puts each value in place of its placeholder, $10 included', () => {
    const values = ['a', 2, 3, 4, 5, 6, 7, 8, 9, 'ten'];
    expect(inlineSql('SELECT $1::text, $2 + $10', values)).toBe("SELECT 'a'::text, 2 + 'ten'");
  });

  it('fails on a placeholder without a value', () => {
    expect(() => inlineSql('SELECT $2', ['only one'])).toThrow(/\$2/);
  });
});
