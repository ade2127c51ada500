/**
 * The few MessagePack headers the compression envelope is made of, read and written by hand.
 *
 * msgpackr must not see the envelope: it has built-in meanings for ext 98 (its own string
 * bundles), and it would allocate before we could check declared sizes. These readers never
 * allocate; every one reports a value that does not fit the input instead of reading past it.
 *
 * ```
 * ext     = D4 t d | D5 t d{2} | D6 t d{4} | D7 t d{8} | D8 t d{16}    fixext 1/2/4/8/16
 *         | C7 n8 t d{n} | C8 n16 t d{n} | C9 n32 t d{n}                ext 8/16/32
 * array   = 90..9F | DC n16 | DD n32                                    element count only
 * bin     = C4 n8 d{n} | C5 n16 d{n} | C6 n32 d{n}
 * int     = 00..7F | E0..FF | CC u8 | CD u16 | CE u32 | CF u64 | D0 i8 | D1 i16 | D2 i32 | D3 i64
 * ```
 * All multi-byte lengths and integers are big-endian.
 */

/** Where an ext value's data lies in the input. `dataEnd` may exceed the input: check it. */
export interface ExtHeader {
  extType: number;
  dataStart: number;
  dataEnd: number;
}

/** A header the input ends in the middle of. */
export const TRUNCATED = -1;
/** The byte at the position is not the kind of header asked for. */
export const WRONG_KIND = -2;

function readUint16(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

function readUint32(bytes: Uint8Array, at: number): number {
  return bytes[at]! * 0x1000000 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
}

/** Whether `token` starts an ext value (fixext 1..16, ext 8/16/32). */
export function isExtToken(token: number): boolean {
  return (token >= 0xd4 && token <= 0xd8) || (token >= 0xc7 && token <= 0xc9);
}

/** Whether `token` starts an array. */
export function isArrayToken(token: number): boolean {
  return (token >= 0x90 && token <= 0x9f) || token === 0xdc || token === 0xdd;
}

/**
 * The ext header at `at`: its type and where its data lies, or {@link TRUNCATED} /
 * {@link WRONG_KIND}. The data range is not checked against the input length.
 */
export function readExtHeader(
  bytes: Uint8Array,
  at: number,
): ExtHeader | typeof TRUNCATED | typeof WRONG_KIND {
  const token = bytes[at];
  if (token === undefined) return TRUNCATED;
  let dataLength: number;
  let headerLength: number;
  if (token >= 0xd4 && token <= 0xd8) {
    dataLength = 1 << (token - 0xd4);
    headerLength = 2;
  } else if (token === 0xc7) {
    if (at + 3 > bytes.length) return TRUNCATED;
    dataLength = bytes[at + 1]!;
    headerLength = 3;
  } else if (token === 0xc8) {
    if (at + 4 > bytes.length) return TRUNCATED;
    dataLength = readUint16(bytes, at + 1);
    headerLength = 4;
  } else if (token === 0xc9) {
    if (at + 6 > bytes.length) return TRUNCATED;
    dataLength = readUint32(bytes, at + 1);
    headerLength = 6;
  } else {
    return WRONG_KIND;
  }
  if (at + headerLength > bytes.length) return TRUNCATED;
  const dataStart = at + headerLength;
  return { extType: bytes[dataStart - 1]!, dataStart, dataEnd: dataStart + dataLength };
}

/** The ext type byte of the ext value at `at`, or -1 when there is no complete ext header there. */
export function peekExtType(bytes: Uint8Array, at: number): number {
  const header = readExtHeader(bytes, at);
  return typeof header === 'number' ? -1 : header.extType;
}

/** An array header: its element count and where the first element starts. */
export interface ArrayHeader {
  count: number;
  next: number;
}

export function readArrayHeader(
  bytes: Uint8Array,
  at: number,
): ArrayHeader | typeof TRUNCATED | typeof WRONG_KIND {
  const token = bytes[at];
  if (token === undefined) return TRUNCATED;
  if (token >= 0x90 && token <= 0x9f) return { count: token - 0x90, next: at + 1 };
  if (token === 0xdc)
    return at + 3 > bytes.length ? TRUNCATED : { count: readUint16(bytes, at + 1), next: at + 3 };
  if (token === 0xdd)
    return at + 5 > bytes.length ? TRUNCATED : { count: readUint32(bytes, at + 1), next: at + 5 };
  return WRONG_KIND;
}

/** A bin header: where its bytes lie. `dataEnd` may exceed the input: check it. */
export interface BinHeader {
  dataStart: number;
  dataEnd: number;
}

export function readBinHeader(
  bytes: Uint8Array,
  at: number,
): BinHeader | typeof TRUNCATED | typeof WRONG_KIND {
  const token = bytes[at];
  if (token === undefined) return TRUNCATED;
  if (token === 0xc4) {
    if (at + 2 > bytes.length) return TRUNCATED;
    return { dataStart: at + 2, dataEnd: at + 2 + bytes[at + 1]! };
  }
  if (token === 0xc5) {
    if (at + 3 > bytes.length) return TRUNCATED;
    return { dataStart: at + 3, dataEnd: at + 3 + readUint16(bytes, at + 1) };
  }
  if (token === 0xc6) {
    if (at + 5 > bytes.length) return TRUNCATED;
    return { dataStart: at + 5, dataEnd: at + 5 + readUint32(bytes, at + 1) };
  }
  return WRONG_KIND;
}

/**
 * An integer of any msgpack int form, read within `[at, end)`. 64-bit values beyond 2^53 lose
 * precision; they only ever stand for sizes far over any limit, which is all a caller needs.
 */
export interface IntRead {
  value: number;
  next: number;
}

export function readInt(
  bytes: Uint8Array,
  at: number,
  end: number,
): IntRead | typeof TRUNCATED | typeof WRONG_KIND {
  if (at >= end) return TRUNCATED;
  const token = bytes[at]!;
  if (token <= 0x7f) return { value: token, next: at + 1 };
  if (token >= 0xe0) return { value: token - 0x100, next: at + 1 };
  if (token < 0xcc || token > 0xd3) return WRONG_KIND;
  const size = INT_SIZES[token - 0xcc]!;
  if (at + 1 + size > end) return TRUNCATED;
  const p = at + 1;
  let value: number;
  switch (token) {
    case 0xcc:
      value = bytes[p]!;
      break;
    case 0xcd:
      value = readUint16(bytes, p);
      break;
    case 0xce:
      value = readUint32(bytes, p);
      break;
    case 0xcf:
      value = readUint32(bytes, p) * 0x100000000 + readUint32(bytes, p + 4);
      break;
    case 0xd0:
      value = (bytes[p]! << 24) >> 24;
      break;
    case 0xd1:
      value = (readUint16(bytes, p) << 16) >> 16;
      break;
    case 0xd2:
      value = readUint32(bytes, p) | 0;
      break;
    default:
      value = (readUint32(bytes, p) | 0) * 0x100000000 + readUint32(bytes, p + 4);
  }
  return { value, next: p + size };
}

/** Payload sizes of the tokens CC..D3 (uint8..uint64, int8..int64). */
const INT_SIZES = [1, 2, 4, 8, 1, 2, 4, 8] as const;

/** How an ext header is written: the smallest form (MessagePack-CSharp v2/v3) or always ext32 (v1). */
export type ExtHeaderForm = 'smallest' | 'ext32-v1';

/** The bytes of an ext header for `dataLength` bytes of data of type `extType`. */
export function extHeaderBytes(extType: number, dataLength: number, form: ExtHeaderForm): Uint8Array {
  if (form === 'smallest') {
    const fixIndex = FIXEXT_LENGTHS.indexOf(dataLength);
    if (fixIndex >= 0) return Uint8Array.of(0xd4 + fixIndex, extType);
    if (dataLength <= 0xff) return Uint8Array.of(0xc7, dataLength, extType);
    if (dataLength <= 0xffff) return Uint8Array.of(0xc8, dataLength >>> 8, dataLength & 0xff, extType);
  }
  return Uint8Array.of(0xc9, ...uint32Bytes(dataLength), extType);
}

const FIXEXT_LENGTHS = [1, 2, 4, 8, 16];

/** The smallest array header for `count` elements. */
export function arrayHeaderBytes(count: number): Uint8Array {
  if (count <= 15) return Uint8Array.of(0x90 + count);
  if (count <= 0xffff) return Uint8Array.of(0xdc, count >>> 8, count & 0xff);
  return Uint8Array.of(0xdd, ...uint32Bytes(count));
}

/** A bin32 header, the form MessagePack-CSharp v2/v3 writes for every chunk whatever its size. */
export function bin32HeaderBytes(length: number): Uint8Array {
  return Uint8Array.of(0xc6, ...uint32Bytes(length));
}

/** An int32 in its fixed 5-byte `D2` form, as `WriteInt32` writes it. */
export function int32Bytes(value: number): Uint8Array {
  return Uint8Array.of(0xd2, ...uint32Bytes(value >>> 0));
}

/** A non-negative int in its most compact form, as `Write(int)` writes it. */
export function compactUintBytes(value: number): Uint8Array {
  if (value <= 0x7f) return Uint8Array.of(value);
  if (value <= 0xff) return Uint8Array.of(0xcc, value);
  if (value <= 0xffff) return Uint8Array.of(0xcd, value >>> 8, value & 0xff);
  return Uint8Array.of(0xce, ...uint32Bytes(value));
}

function uint32Bytes(value: number): [number, number, number, number] {
  return [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}
