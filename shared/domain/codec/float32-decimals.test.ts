import { Type } from '@sinclair/typebox';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileFloat32Reader, shortestFloat32Decimal } from './float32-decimals.ts';

/** The shortest decimal naming the same 32-bit float, the slow way: fewest significant digits first. */
function shortestBySearch(float: number): number {
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(float.toPrecision(digits));
    if (Math.fround(candidate) === float) return candidate;
  }
  return float;
}

/** 32-bit floats from their bits, within the magnitudes the catalog's numbers take. */
const float32s = fc
  .integer({ min: 0, max: 0xffffffff })
  .map((bits) => new Float32Array(new Uint32Array([bits]).buffer)[0] as number)
  .filter((value) => Number.isFinite(value) && Math.abs(value) >= 1e-9 && Math.abs(value) < 1e9);

describe('shortestFloat32Decimal', () => {
  it('turns a C# float, as msgpack carries it, back into the decimal the plugin had', () => {
    expect(shortestFloat32Decimal(Math.fround(1234.57))).toBe(1234.57);
    expect(Math.fround(1234.57)).toBe(1234.5699462890625);
    expect(shortestFloat32Decimal(Math.fround(-512.03))).toBe(-512.03);
    expect(shortestFloat32Decimal(Math.fround(87.6))).toBe(87.6);
    expect(shortestFloat32Decimal(Math.fround(0.1))).toBe(0.1);
    expect(shortestFloat32Decimal(Math.fround(-2667.3337))).toBe(-2667.3337);
  });

  it('keeps the same 32-bit float and never writes more digits than the shortest decimal that names it', () => {
    fc.assert(
      fc.property(float32s, (float) => {
        const read = shortestFloat32Decimal(float);
        expect(Math.fround(read)).toBe(float);
        expect(String(read).length).toBeLessThanOrEqual(String(shortestBySearch(float)).length);
      }),
      { seed: 32, numRuns: 50_000 },
    );
  });

  it('leaves numbers a 32-bit float does not hold, integers and non-finite values as they are', () => {
    for (const value of [1234.57, 0.1, -87.65, 100, -3, 2 ** 40, 0, Number.NaN, Number.POSITIVE_INFINITY])
      expect(Object.is(shortestFloat32Decimal(value), value)).toBe(true);
  });
});

describe('compileFloat32Reader', () => {
  it('reads the non-integer numbers a schema names, in tuples, arrays, objects and optional fields', () => {
    const Vec3 = Type.Tuple([Type.Number(), Type.Number(), Type.Number()]);
    const schema = Type.Object({
      type: Type.Literal('sample'),
      ts: Type.Integer(),
      pos: Type.Optional(Vec3),
      players: Type.Array(
        Type.Object({ pos: Vec3, yaw: Type.Optional(Type.Number()), health: Type.Integer() }),
      ),
      duration: Type.Union([Type.Number(), Type.Null()]),
      stats: Type.Record(Type.String(), Type.Number()),
    });
    const read = compileFloat32Reader(schema);
    const f = Math.fround;
    const event: Record<string, unknown> = {
      type: 'sample',
      ts: 1_700_000_000_123,
      players: [
        { pos: [f(1.1), f(2.2), f(3.3)], yaw: f(90.5), health: 100 },
        { pos: [f(-4.4), 5.55, f(6)], health: 3 },
      ],
      duration: f(2.35),
      stats: { adr: f(77.7) },
    };

    read?.(event);

    expect(event).toEqual({
      type: 'sample',
      ts: 1_700_000_000_123,
      players: [
        { pos: [1.1, 2.2, 3.3], yaw: 90.5, health: 100 },
        { pos: [-4.4, 5.55, 6], health: 3 },
      ],
      duration: 2.35,
      // Records are left alone: their numbers come from text.
      stats: { adr: f(77.7) },
    });
  });

  it('compiles nothing for a schema without non-integer numbers', () => {
    expect(compileFloat32Reader(Type.Object({ ts: Type.Integer(), name: Type.String() }))).toBeNull();
  });
});
