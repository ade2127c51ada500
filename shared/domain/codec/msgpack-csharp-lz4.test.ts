import { Unpackr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
// A copy of /work/shared/fixtures/msgpack/lz4-vectors.json (MessagePack-CSharp doc/lz4.md, MIT).
import lz4Vectors from './fixtures/lz4-vectors.json' with { type: 'json' };
import { detectCompression, unwrapLz4, wrapLz4 } from './msgpack-csharp-lz4.ts';

const vector = lz4Vectors.vectors[0]!;
const ONE_MIB = 1024 * 1024;
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });

function bytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replaceAll(' ', ''), 'hex'));
}

function hex(value: Uint8Array): string {
  return Buffer.from(value).toString('hex');
}

/** The vector's ext-99 data: `d2 000003eb` then a 26-byte LZ4 block. */
const VECTOR_PAYLOAD = vector.ext_payload_hex;
const VECTOR_BLOCK = VECTOR_PAYLOAD.slice(10);
/** 70 zero bytes as an 11-byte LZ4 block: one literal, a 64-byte match at offset 1, five literals. */
const ZEROS_70_BLOCK = '1f0001002d500000000000';

function unwrapOk(input: Uint8Array): { compression: string; msgpack: string } {
  const result = unwrapLz4(input, ONE_MIB);
  if (!result.ok) throw new Error(`expected success, got: ${result.message}`);
  return { compression: result.compression, msgpack: hex(result.msgpack) };
}

function unwrapError(input: Uint8Array, max = ONE_MIB): string {
  const result = unwrapLz4(input, max);
  if (result.ok) throw new Error('expected a rejection');
  return result.message;
}

describe('the real MessagePack-CSharp Lz4Block vector', () => {
  it.each([
    ['v1 ext32 header', vector.full_bytes_v1_hex],
    ['v2 ext8 header', vector.full_bytes_v2_hex],
  ])('decodes the %s form to 100 x [5, "foo", "bar"]', async (_form, fullHex) => {
    // Act
    const result = unwrapOk(bytes(fullHex));

    // Assess
    expect(result.compression).toBe('lz4block');
    expect(result.msgpack).toBe(vector.expected_uncompressed_hex);
    expect(unpackr.unpack(bytes(result.msgpack))).toEqual(
      Array.from({ length: 100 }, () => [5, 'foo', 'bar']),
    );
  });
});

describe('unwrapLz4 accepts every header form', () => {
  it.each([
    ['ext16 header', `c8001f63${VECTOR_PAYLOAD}`, vector.expected_uncompressed_hex],
    ['uint16 declared length', `c71d63cd03eb${VECTOR_BLOCK}`, vector.expected_uncompressed_hex],
    ['fixext16 header (11-byte block)', `d863d200000046${ZEROS_70_BLOCK}`, '00'.repeat(70)],
  ])('Lz4Block with %s', async (_form, input, expected) => {
    // Act
    const result = unwrapOk(bytes(input));

    // Assess
    expect(result).toEqual({ compression: 'lz4block', msgpack: expected });
  });

  it.each([
    ['fixext1 lengths and a bin8 chunk', `92 d462 46 c40b${ZEROS_70_BLOCK}`, 70],
    ['a bin16 chunk', `92 d462 46 c5000b${ZEROS_70_BLOCK}`, 70],
    ['a bin32 chunk', `92 d462 46 c60000000b${ZEROS_70_BLOCK}`, 70],
    ['fixext2 lengths and two chunks', `93 d562 4646 c40b${ZEROS_70_BLOCK} c40b${ZEROS_70_BLOCK}`, 140],
    ['an ext8 header and a uint16 length', `92 c70362 cd0046 c40b${ZEROS_70_BLOCK}`, 70],
    ['an ext32 header and an int32 length', `92 c90000000562 d200000046 c40b${ZEROS_70_BLOCK}`, 70],
    ['an array16 header', `dc0002 d462 46 c40b${ZEROS_70_BLOCK}`, 70],
  ])('Lz4BlockArray with %s', async (_form, input, zeros) => {
    // Act
    const result = unwrapOk(bytes(input));

    // Assess
    expect(result).toEqual({ compression: 'lz4blockarray', msgpack: '00'.repeat(zeros) });
  });

  it('joins a multi-chunk Lz4BlockArray in order', async () => {
    // Prepare
    const msgpack = bytes(vector.expected_uncompressed_hex);

    // Act
    const wrapped = wrapLz4(msgpack, 'lz4blockarray', { extHeader: 'smallest', chunkSize: 100 });
    const result = unwrapOk(wrapped);

    // Assess
    expect(wrapped[0]).toBe(0x9c); // fixarray of 11 chunks + the ext
    expect(result).toEqual({ compression: 'lz4blockarray', msgpack: vector.expected_uncompressed_hex });
  });
});

describe('detectCompression', () => {
  it.each([
    ['a plain map', '81a17601', 'none'],
    ['an array not led by ext 98', '92d4630000', 'none'],
    ['an ext of another type', 'd40500', 'none'],
    ['ext 99', vector.full_bytes_v2_hex, 'lz4block'],
    ['an array led by ext 98', `92d46246c40b${ZEROS_70_BLOCK}`, 'lz4blockarray'],
    ['nothing', '', 'none'],
  ])('reads %s as %s', async (_name, input, expected) => {
    // Act
    const compression = detectCompression(bytes(input));

    // Assess
    expect(compression).toBe(expected);
  });
});

describe('unwrapLz4 rejects abuse', () => {
  it('refuses a huge declared size before decoding or allocating', async () => {
    // Prepare: 2 GiB declared in front of a garbage block; the size check must come first.
    const input = bytes('c70a63 d27fffffff ffffffffff');

    // Act
    const message = unwrapError(input);

    // Assess
    expect(message).toMatch(/2147483647 is over the limit of 1048576 bytes/);
  });

  it('refuses a uint64 declared size', async () => {
    // Act
    const message = unwrapError(bytes('c70b63 cfffffffffffffffff 0000'));

    // Assess
    expect(message).toMatch(/over the limit/);
  });

  it('refuses chunk lengths whose running total is over the limit, before reading any chunk', async () => {
    // Prepare: two chunks of 600 KiB each (each alone under 1 MiB); the chunks are not even bins.
    const input = bytes('93 c70a62 ce00096000 ce00096000 a3616263 a3616263');

    // Act
    const message = unwrapError(input);

    // Assess
    expect(message).toMatch(/^chunk 1: declared uncompressed length 1228800 is over the limit/);
  });

  it.each([
    ['an int32 -1', 'c70663 d2ffffffff 00'],
    ['a negative fixint', 'c70263 ff 00'],
  ])('refuses a negative declared size (%s)', async (_form, input) => {
    // Act
    const message = unwrapError(bytes(input));

    // Assess
    expect(message).toMatch(/is negative/);
  });

  it('refuses a negative chunk length', async () => {
    // Act
    const message = unwrapError(bytes(`92 d462 ff c40b${ZEROS_70_BLOCK}`));

    // Assess
    expect(message).toMatch(/^chunk 0: declared uncompressed length -1 is negative/);
  });

  it('refuses a truncated block', async () => {
    // Prepare: the vector with the last 3 bytes of its block cut (ext length adjusted to match).
    const input = bytes(`c71c63${VECTOR_PAYLOAD.slice(0, -6)}`);

    // Act
    const message = unwrapError(input);

    // Assess
    expect(message).toBe('LZ4 block is truncated');
  });

  it('refuses a block that decodes to fewer bytes than declared', async () => {
    // Act
    const message = unwrapError(bytes(`c71f63d2000003ec${VECTOR_BLOCK}`));

    // Assess
    expect(message).toBe('LZ4 block decodes to fewer than its declared 1004 bytes');
  });

  it('refuses a block that decodes to more bytes than declared', async () => {
    // Act
    const message = unwrapError(bytes(`c71f63d2000003ea${VECTOR_BLOCK}`));

    // Assess
    expect(message).toBe('LZ4 block decodes to more than its declared 1002 bytes');
  });

  it('refuses a block whose match reaches before its start', async () => {
    // Act
    const message = unwrapError(bytes('c70b63 d200000005 10000200 1000'));

    // Assess
    expect(message).toMatch(/offset outside the block output/);
  });

  it.each([
    ['the input ends before a declared chunk', `93 d562 4646 c40b${ZEROS_70_BLOCK}`, /ends before chunk 1/],
    [
      'ext 98 holds more lengths than chunks',
      `92 d562 4646 c40b${ZEROS_70_BLOCK}`,
      /more lengths than the 1 chunks/,
    ],
    [
      'ext 98 holds fewer lengths than chunks',
      `93 d462 46 c40b${ZEROS_70_BLOCK} c40b${ZEROS_70_BLOCK}`,
      /fewer lengths/,
    ],
    [
      'a bin follows the declared chunks',
      `92 d462 46 c40b${ZEROS_70_BLOCK} c40b${ZEROS_70_BLOCK}`,
      /bytes follow the 1 chunks/,
    ],
    ['the array declares no chunk', '91 d46200', /no chunks/],
  ])('refuses an array whose bins do not match: %s', async (_case, input, expected) => {
    // Act
    const message = unwrapError(bytes(input));

    // Assess
    expect(message).toMatch(expected);
  });

  it('refuses a chunk that is not a bin', async () => {
    // Act
    const message = unwrapError(bytes('92 d462 46 a3616263'));

    // Assess
    expect(message).toBe('chunk 0 is not a bin value');
  });

  it.each([
    ['ext 99 data runs past the input', `c72863${VECTOR_PAYLOAD}`, /runs past the end/],
    ['bytes follow ext 99', `${vector.full_bytes_v2_hex}00`, /bytes follow the ext 99 value/],
    ['a bin runs past the input', `92 d462 46 c40c${ZEROS_70_BLOCK}`, /chunk 0 runs past the end/],
    ['ext 99 holds no integer', 'c70263 a100', /does not start with an integer/],
  ])('refuses a malformed envelope: %s', async (_case, input, expected) => {
    // Act
    const message = unwrapError(bytes(input));

    // Assess
    expect(message).toMatch(expected);
  });
});

describe('wrapLz4 writes what MessagePack-CSharp writes', () => {
  const msgpack = bytes(vector.expected_uncompressed_hex);

  it('leaves msgpack under 64 bytes uncompressed', async () => {
    // Prepare
    const small = msgpack.subarray(0, 63);

    // Act
    const wrapped = wrapLz4(small, 'lz4blockarray', { extHeader: 'smallest', chunkSize: 32_768 });

    // Assess
    expect(hex(wrapped)).toBe(hex(small));
  });

  it('writes Lz4Block as the smallest ext header, a D2 int32 length and one block', async () => {
    // Act
    const wrapped = wrapLz4(msgpack, 'lz4block', { extHeader: 'smallest', chunkSize: 32_768 });

    // Assess
    expect(hex(wrapped.subarray(0, 1))).toBe('c7');
    expect(hex(wrapped.subarray(2, 8))).toBe('63d2000003eb');
    expect(unwrapOk(wrapped).msgpack).toBe(vector.expected_uncompressed_hex);
  });

  it('writes the v1 ext32 header on request', async () => {
    // Act
    const wrapped = wrapLz4(msgpack, 'lz4block', { extHeader: 'ext32-v1', chunkSize: 32_768 });

    // Assess
    expect(hex(wrapped.subarray(0, 6))).toBe(`c9${(wrapped.length - 6).toString(16).padStart(8, '0')}63`);
    expect(unwrapOk(wrapped).msgpack).toBe(vector.expected_uncompressed_hex);
  });

  it('writes Lz4BlockArray with compact lengths in ext 98 and bin32 chunks', async () => {
    // Prepare
    const hundredBytes = msgpack.subarray(0, 100);

    // Act
    const wrapped = wrapLz4(hundredBytes, 'lz4blockarray', { extHeader: 'smallest', chunkSize: 32_768 });

    // Assess: fixarray(2), fixext1 type 98 holding fixint 100, then a bin32.
    expect(hex(wrapped.subarray(0, 5))).toBe('92d46264c6');
    expect(unwrapOk(wrapped).msgpack).toBe(hex(hundredBytes));
  });
});
