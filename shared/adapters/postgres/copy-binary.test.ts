import { describe, expect, it } from 'vitest';
import { COPY_BINARY_HEADER, COPY_BINARY_TRAILER, CopyBinaryWriter } from './copy-binary.ts';

/** The fields of the rows `bytes` holds, as PostgreSQL reads them: each one's bytes, or null. */
function readRows(bytes: Uint8Array): (Buffer | null)[][] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rows: (Buffer | null)[][] = [];
  let at = 0;
  while (at < buffer.length) {
    const count = buffer.readInt16BE(at);
    at += 2;
    const fields: (Buffer | null)[] = [];
    for (let i = 0; i < count; i++) {
      const length = buffer.readInt32BE(at);
      at += 4;
      fields.push(length === -1 ? null : buffer.subarray(at, at + length));
      if (length > 0) at += length;
    }
    rows.push(fields);
  }
  return rows;
}

describe('COPY binary format', () => {
  it('writes each field as its length and its bytes, and a null as length -1', () => {
    const copy = new CopyBinaryWriter(8);
    copy.row(6);
    copy.text('ñ€ tab\tand \\ backslash');
    copy.text(null);
    copy.jsonb('{"a":"\\n"}');
    copy.boolean(true);
    copy.int4(-7);
    copy.int8(2 ** 53 - 1);

    const [row] = readRows(copy.bytes());
    expect(row?.[0]?.toString('utf8')).toBe('ñ€ tab\tand \\ backslash');
    expect(row?.[1]).toBeNull();
    expect(row?.[2]?.[0]).toBe(1);
    expect(row?.[2]?.subarray(1).toString('utf8')).toBe('{"a":"\\n"}');
    expect([...(row?.[3] ?? [])]).toEqual([1]);
    expect(row?.[4]?.readInt32BE(0)).toBe(-7);
    expect(row?.[5]?.readBigInt64BE(0)).toBe(2n ** 53n - 1n);
  });

  it.each([
    ['2000-01-01T00:00:00.000Z', 0n],
    ['2026-12-07T13:14:15.678Z', 849_964_455_678_000n],
    ['1999-12-31T23:59:59.999Z', -1_000n],
  ])('writes %s as microseconds from 2000-01-01', (iso, micros) => {
    const copy = new CopyBinaryWriter();
    copy.timestamptz(Date.parse(iso));
    expect(readRows(Buffer.concat([Buffer.of(0, 1), copy.bytes()]))[0]?.[0]?.readBigInt64BE(0)).toBe(micros);
  });

  it('keeps whole milliseconds of a time, as Date does', () => {
    const copy = new CopyBinaryWriter();
    copy.timestamptz(Date.parse('2026-12-07T00:00:00.000Z') + 0.9);
    const micros = readRows(Buffer.concat([Buffer.of(0, 1), copy.bytes()]))[0]?.[0]?.readBigInt64BE(0);
    expect(micros).toBe(BigInt(Date.parse('2026-12-07T00:00:00.000Z') - Date.UTC(2000, 0, 1)) * 1000n);
  });

  it('refuses what the columns cannot hold, as PostgreSQL refused it in text', () => {
    const copy = new CopyBinaryWriter();
    expect(() => copy.int4(1.5)).toThrow(RangeError);
    expect(() => copy.int4(2 ** 31)).toThrow(RangeError);
    expect(() => copy.int8(2 ** 53)).toThrow(RangeError);
    expect(() => copy.int8(Number.NaN)).toThrow(RangeError);
    expect(() => copy.timestamptz(8.64e15 + 1)).toThrow(RangeError);
  });

  it('grows its buffer as rows come and keeps multi-byte text intact', () => {
    const copy = new CopyBinaryWriter(8);
    const texts = ['first', 'ñ€'.repeat(500), 'last'];
    for (const text of texts) {
      copy.row(1);
      copy.text(text);
    }
    expect(readRows(copy.bytes()).map((row) => row[0]?.toString('utf8'))).toEqual(texts);
  });

  it('frames the rows with the signature, flags and extension length, and ends them with -1', () => {
    expect(Buffer.from(COPY_BINARY_HEADER).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0');
    expect(Buffer.from(COPY_BINARY_TRAILER).readInt16BE(0)).toBe(-1);
  });
});
