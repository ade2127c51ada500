/**
 * REST parameters a hostile client sends: path segments with NUL, `%`-garbage, overlong UTF-8
 * and encoded surrogates; query numbers past every bound; `after` cursors crafted to decode to
 * values of another type, huge timestamps, NUL in their strings.
 */
import fc from 'fast-check';
import {
  anyCodeUnits,
  HOSTILE_NUMBERS,
  HOSTILE_TIMESTAMPS,
  hostileString,
  hostileValue,
} from './hostile-values.ts';

/** The REST routes of DESIGN.md section 8 (and the ingest routes on the same port). */
export const ROUTE_TEMPLATES: readonly { method: string; path: string }[] = [
  { method: 'GET', path: '/v1/matches' },
  { method: 'GET', path: '/v1/matches/:id' },
  { method: 'GET', path: '/v1/matches/:id/rounds' },
  { method: 'GET', path: '/v1/matches/:id/events' },
  { method: 'GET', path: '/v1/matches/:id/summary' },
  { method: 'GET', path: '/v1/players/:steamId' },
  { method: 'GET', path: '/v1/servers' },
  { method: 'DELETE', path: '/v1/servers/:id' },
  { method: 'GET', path: '/v1/dead-letters' },
  { method: 'POST', path: '/v1/dead-letters/:id/replay' },
  { method: 'POST', path: '/v1/logs/:serverId/:token' },
  { method: 'GET', path: '/@connections/:id' },
];

/** Raw (still percent-encoded) path segments. */
export const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '%00',
      'a%00b',
      '%',
      '%E0',
      '%E0%A4%A',
      '%ED%A0%80', // an encoded lone surrogate
      '%C0%80', // overlong NUL
      '%FF%FE',
      '%25',
      '%2F..%2F..%2Fetc%2Fpasswd',
      '..',
      '9007199254740993',
      '-1',
      '1e300',
      'NaN',
      '99999999999999999999999999',
      '%F0%9F%98%80',
      'a'.repeat(5_000),
    ),
  },
  {
    weight: 3,
    arbitrary: hostileString.map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '\ufffd'))),
  },
  {
    weight: 2,
    arbitrary: fc
      .uint8Array({ maxLength: 12 })
      .map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

/** A path: a route template with each `:param` replaced by a hostile segment. */
export const hostilePath: fc.Arbitrary<{ method: string; path: string }> = fc
  .tuple(
    fc.nat({ max: ROUTE_TEMPLATES.length - 1 }),
    fc.array(hostileSegment, { minLength: 2, maxLength: 2 }),
  )
  .map(([index, segments]) => {
    const route = ROUTE_TEMPLATES[index]!;
    let next = 0;
    return { method: route.method, path: route.path.replace(/:[a-zA-Z]+/g, () => segments[next++ % 2]!) };
  });

/** Query values for the numeric parameters (`limit`, `round`). */
export const hostileNumberText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    ...HOSTILE_NUMBERS.map(String),
    '',
    ' ',
    '0x10',
    '1e3',
    '1.0',
    '+5',
    '\u0000',
    '5\u0000',
    '٣', // an Arabic-Indic digit
    '99999999999999999999',
  ),
  fc.integer().map(String),
  anyCodeUnits(8),
);

/** A cursor as the API writes them (base64url of `[ts, server, session, seq, index]`), with hostile parts. */
export const craftedCursor: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.oneof(fc.constantFrom(...HOSTILE_TIMESTAMPS), fc.maxSafeNat(), hostileValue),
        fc.oneof(fc.constant('srv_fuzz0000001'), hostileString, hostileValue),
        fc.oneof(fc.constant('s1'), hostileString, hostileValue),
        fc.oneof(fc.nat(), fc.constantFrom(...HOSTILE_NUMBERS), hostileValue),
        fc.oneof(fc.nat(), fc.constantFrom(...HOSTILE_NUMBERS), hostileValue),
      )
      .map((parts) => {
        let text: string;
        try {
          text = JSON.stringify(parts, (_key, value: unknown) =>
            typeof value === 'bigint' ? Number(value) : value,
          );
        } catch {
          text = '[0,"a","b",1,0]';
        }
        return Buffer.from(text).toString('base64url');
      }),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      '!!!',
      'W10',
      Buffer.from('[1e400,"a","b",1,0]').toString('base64url'),
      Buffer.from('{"ts":1}').toString('base64url'),
      Buffer.from('[0,"a\\u0000","b",1,0]').toString('base64url'),
      Buffer.from('[0,"\\ud800","b",1,0]').toString('base64url'),
      Buffer.from(`[0,"a","b",1,0]${' '.repeat(10)}`).toString('base64url'),
    ),
  },
);

/** Percent-encodes the UTF-8 bytes of any string (lone surrogates become U+FFFD, as a client would send them). */
export function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) =>
      (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

/** Request targets a parser or `new URL` may choke on. */
export const BROKEN_TARGETS: readonly string[] = [
  '//',
  '///v1/matches',
  '/%',
  '/%%',
  '*',
  'http://[',
  'http://a:99999/v1/matches',
  'http://user@[::1/v1/matches',
  '/v1/matches/%E0',
  '/v1/matches?limit=%',
  '/v1/matches?limit=%E0%A4%A',
  '/v1/matches/x/events?after=%00',
  '/v1/matches/\u00e9',
  '/ws',
  `/v1/matches/${'a'.repeat(20_000)}`,
];

/** One hostile HTTP request (raw: method, target, headers, body). */
export interface HostileRequest {
  method: string;
  target: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  label: string;
}
