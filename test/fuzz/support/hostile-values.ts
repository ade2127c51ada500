/**
 * The values a hostile client puts where a well-behaved one puts a name, a number or a time:
 * NUL and other control characters, lone surrogates, numbers past every bound, timestamps no
 * Date can hold, values of another type, and nesting deep enough to blow a recursive parser.
 */
import fc from 'fast-check';

/** Strings every text field should be fed at least once. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  '\u0000',
  'a\u0000b',
  '\u0000\u0000\u0000',
  '\ud800',
  '\udfff',
  'x\ud83d',
  '\ude00y',
  '\ud83d\ude00', // a paired surrogate: valid
  '\u0001\u0002\u0007\u0008\u001b[31m\u007f',
  '\r\n\t\v\f',
  '\u2028\u2029',
  '\ufeff\ufffe\uffff',
  '\\u0000',
  '%00',
  '%E0%A4%A',
  "'; DROP TABLE game_events; --",
  '\u0024{constructor}', // a template placeholder, as text
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'a'.repeat(4_097),
  '\u0000'.repeat(300),
  'é'.repeat(2_000),
];

/** Numbers past the bounds a field has: unsafe integers, negatives, huge, not a number. */
export const HOSTILE_NUMBERS: readonly number[] = [
  2 ** 53 + 1,
  -(2 ** 53) - 1,
  -1,
  -0,
  0.5,
  1.5,
  1e300,
  -1e300,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  2 ** 31,
  2 ** 32,
  2 ** 63,
  2 ** 64,
];

/** Timestamps (epoch ms) no stored row should carry. */
export const HOSTILE_TIMESTAMPS: readonly number[] = [
  9e15, // past the last Date (8.64e15)
  8.64e15, // the last valid Date, in year 275760
  Date.UTC(20_000, 0, 1), // year 20000: a Date, but no table or day partition for it
  Date.UTC(10_000, 0, 1),
  -1,
  -62_135_596_800_001, // just before year 1
  2 ** 53 + 1,
  1.5,
  Number.NaN,
  1e300,
];

/** A string made of any UTF-16 code units, lone surrogates and NULs included. */
export const anyCodeUnits = (maxLength = 24): fc.Arbitrary<string> =>
  fc
    .array(
      fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: 0, max: 0x1f }) },
        { weight: 3, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }) },
        { weight: 4, arbitrary: fc.integer({ min: 0, max: 0xffff }) },
      ),
      { maxLength },
    )
    .map((codes) => String.fromCharCode(...codes));

/** A hostile string: a listed one, arbitrary code units, or a real-looking one with a bad character in it. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 3, arbitrary: anyCodeUnits() },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.string({ maxLength: 12 }),
        fc.constantFrom('\u0000', '\ud800', '\udc00', '\u0007', '\u001b'),
        fc.string({ maxLength: 12 }),
      )
      .map(([before, bad, after]) => before + bad + after),
  },
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS, ...HOSTILE_TIMESTAMPS) },
  { weight: 2, arbitrary: fc.double() },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.maxSafeInteger() },
);

export const hostileTimestamp: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_TIMESTAMPS) },
  { weight: 1, arbitrary: fc.double({ min: 2.6e14, max: 1e17 }).map(Math.trunc) },
);

/** `depth` levels of arrays or maps around a value. */
export function nested(depth: number, kind: 'array' | 'map', inner: unknown = 1): unknown {
  let value: unknown = inner;
  for (let level = 0; level < depth; level++) value = kind === 'array' ? [value] : { n: value };
  return value;
}

export const deepNesting: fc.Arbitrary<unknown> = fc
  .tuple(
    fc.oneof(fc.integer({ min: 1, max: 64 }), fc.constantFrom(500, 2_000, 10_001, 20_000)),
    fc.constantFrom<'array' | 'map'>('array', 'map'),
  )
  .map(([depth, kind]) => nested(depth, kind));

/** Any value of any type: what a field's type change puts in it. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 4, arbitrary: hostileNumber },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(
      null,
      undefined,
      true,
      false,
      [],
      {},
      0,
      '0',
      [1, 2, 3],
      ['a', 'b'],
      { type: 'x' },
      new Uint8Array([0, 1, 2]),
      new Date(0),
      2n ** 63n - 1n,
      -(2n ** 63n),
      2n ** 64n - 1n,
    ),
  },
  { weight: 1, arbitrary: deepNesting },
  {
    weight: 1,
    arbitrary: fc.dictionary(hostileString, fc.oneof(hostileString, hostileNumber), { maxKeys: 3 }),
  },
);
