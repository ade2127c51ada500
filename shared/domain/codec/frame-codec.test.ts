import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import type { AnyEvent, GameEvent } from '../events/catalog.ts';
import { encodeFrame, encodeFrameBase64 } from './encode-frame.ts';
import {
  type DecodeResult,
  decodeFrame,
  FRAME_ERROR_CODES,
  type Frame,
  type FrameErrorCode,
} from './index.ts';

const packr = new Packr({ useRecords: false, variableMapSize: true });
const STEAM_A = '76561198000000001';
const STEAM_B = '76561198000000002';
const TS = 1_767_290_400_000;

function someEvents(count: number): GameEvent[] {
  const events: GameEvent[] = [];
  for (let index = 0; index < count; index++) {
    const ts = TS + index * 125;
    switch (index % 4) {
      case 0:
        events.push({
          type: 'positions',
          ts,
          tick: index * 8,
          players: [
            {
              steamId: STEAM_A,
              pos: [-1203.25, 311.5, -160],
              yaw: 91.5,
              health: 100,
              armor: 100,
              alive: true,
              weapon: 'ak47',
            },
            {
              steamId: STEAM_B,
              pos: [-400.75, -600.125, -100],
              yaw: -12,
              health: 73,
              armor: 91,
              alive: true,
              weapon: 'awp',
            },
          ],
        });
        break;
      case 1:
        events.push({
          type: 'weapon_fire',
          ts,
          steamId: STEAM_A,
          weapon: 'ak47',
          pos: [-1203.25, 311.5, -160],
        });
        break;
      case 2:
        events.push({
          type: 'player_hurt',
          ts,
          attacker: STEAM_A,
          victim: STEAM_B,
          weapon: 'ak47',
          dmgHealth: 27,
          dmgArmor: 7,
          health: 46,
          armor: 84,
          hitgroup: 'chest',
        });
        break;
      default:
        events.push({ type: 'player_footstep', ts, steamId: STEAM_B, pos: [-400.75, -600.125, -100] });
    }
  }
  return events;
}

function frameOf(events: AnyEvent[], overrides: Partial<Frame> = {}): Frame {
  return { v: 1, server: 'srv-1', session: 'boot-7f3a', seq: 42, sentAt: TS + 90_000, events, ...overrides };
}

function expectOk(result: DecodeResult): Extract<DecodeResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected a frame, got ${result.code}: ${result.message}`);
  return result;
}

function expectRejected(result: DecodeResult, code: FrameErrorCode): Extract<DecodeResult, { ok: false }> {
  if (result.ok) throw new Error(`expected ${code}, got a frame`);
  expect(result.code).toBe(code);
  return result;
}

/** Raw msgpack of any value, as a broken or hostile plugin could send it. */
function packed(value: unknown): Uint8Array {
  return Uint8Array.from(packr.pack(value));
}

describe('encodeFrame / decodeFrame round trips', () => {
  const frame = frameOf(someEvents(100), { match: 'matchzy-1234', tag: 'cup-final' });

  it.each(['none', 'lz4block', 'lz4blockarray'] as const)('round-trips %s as binary', async (compression) => {
    // Act
    const bytes = encodeFrame(frame, { compression });
    const result = expectOk(decodeFrame(bytes));

    // Assess
    expect(result.frame).toEqual(frame);
    expect(result.compression).toBe(compression);
    expect(result.wireBytes).toBe(bytes.length);
    expect(result.unknownTypes).toBe(0);
  });

  it.each(['none', 'lz4block', 'lz4blockarray'] as const)(
    'round-trips %s as base64 text',
    async (compression) => {
      // Act
      const text = encodeFrameBase64(frame, { compression });
      const result = expectOk(decodeFrame(text));

      // Assess
      expect(result.frame).toEqual(frame);
      expect(result.compression).toBe(compression);
      expect(result.wireBytes).toBe(Buffer.from(text, 'base64').length);
    },
  );

  it('defaults to Lz4BlockArray, which is smaller than plain msgpack', async () => {
    // Act
    const compressed = encodeFrame(frame);
    const plain = encodeFrame(frame, { compression: 'none' });

    // Assess
    expect(expectOk(decodeFrame(compressed)).compression).toBe('lz4blockarray');
    expect(compressed.length).toBeLessThan(plain.length / 2);
  });

  it('keeps a frame under 64 bytes of msgpack plain, whatever the compression asked', async () => {
    // Prepare: a keep-alive ping, no events.
    const ping = frameOf([], { server: 's1', session: 'b1', seq: 1 });

    // Act
    const bytes = encodeFrame(ping, { compression: 'lz4blockarray' });
    const result = expectOk(decodeFrame(bytes));

    // Assess
    expect(bytes.length).toBeLessThan(64);
    expect(bytes[0]).toBe(0x86); // a fixmap of the six envelope fields
    expect(result.compression).toBe('none');
    expect(result.frame).toEqual(ping);
  });

  it('round-trips the v1 ext32 header form', async () => {
    // Act
    const bytes = encodeFrame(frame, { compression: 'lz4block', extHeader: 'ext32-v1' });
    const result = expectOk(decodeFrame(bytes));

    // Assess
    expect(bytes[0]).toBe(0xc9);
    expect(result.frame).toEqual(frame);
  });

  it('splits a frame larger than the chunk size into several LZ4 chunks', async () => {
    // Prepare
    const large = frameOf(someEvents(400));

    // Act
    const defaultChunks = encodeFrame(large);
    const smallChunks = encodeFrame(large, { chunkSize: 4_096 });
    const result = expectOk(decodeFrame(smallChunks));

    // Assess: 400 events are over 32 KiB of msgpack, so even the default size makes two chunks.
    expect(defaultChunks[0]).toBe(0x93);
    expect(smallChunks[0]! - 0x90).toBeGreaterThan(5);
    expect(result.compression).toBe('lz4blockarray');
    expect(result.frame).toEqual(large);
  });

  it('leaves out undefined optional fields and reads nil as absent', async () => {
    // Prepare
    const withUndefined = frameOf(someEvents(2), { match: undefined });
    const withNil = packed({ ...frameOf(someEvents(2)), match: null, tag: null });

    // Act
    const fromUndefined = expectOk(decodeFrame(encodeFrame(withUndefined)));
    const fromNil = expectOk(decodeFrame(withNil));

    // Assess
    expect('match' in fromUndefined.frame).toBe(false);
    expect('match' in fromNil.frame || 'tag' in fromNil.frame).toBe(false);
  });

  it('reads 64-bit integers as numbers', async () => {
    // Prepare: ts as uint64 (CF), as a C# `long` is written.
    const msgpack = Buffer.from(packed(frameOf([{ type: 'match_start', ts: 0x12345678 }])));
    const at = msgpack.indexOf(Buffer.from([0xce, 0x12, 0x34, 0x56, 0x78]));
    const asUint64 = Buffer.concat([
      msgpack.subarray(0, at),
      Buffer.from([0xcf, 0, 0, 0x01, 0x9b, 0x12, 0x34, 0x56, 0x78]),
      msgpack.subarray(at + 5),
    ]);

    // Act
    const result = expectOk(decodeFrame(asUint64));

    // Assess
    expect(result.frame.events[0]!.ts).toBe(0x019b12345678);
  });
});

describe('unknown event types', () => {
  it('keeps an unknown type with a string type and integer ts, flagged', async () => {
    // Prepare
    const events = [
      ...someEvents(2),
      { type: 'round_mvp', ts: TS, steamId: STEAM_A, reason: 3 } as unknown as AnyEvent,
    ];

    // Act
    const result = expectOk(decodeFrame(encodeFrame(frameOf(events))));

    // Assess
    expect(result.unknownTypes).toBe(1);
    expect(result.frame.events[2]).toEqual({
      type: 'round_mvp',
      ts: TS,
      steamId: STEAM_A,
      reason: 3,
      unknown: true,
    });
    expect('unknown' in result.frame.events[0]!).toBe(false);
  });

  it('drops an `unknown` flag a known event arrives with', async () => {
    // Prepare
    const flagged = { type: 'match_start', ts: TS, unknown: true } as unknown as AnyEvent;

    // Act
    const result = expectOk(decodeFrame(encodeFrame(frameOf([flagged]))));

    // Assess
    expect(result.frame.events[0]).toEqual({ type: 'match_start', ts: TS });
    expect(result.unknownTypes).toBe(0);
  });

  it('rejects an unknown type without an integer ts', async () => {
    // Prepare
    const events = [{ type: 'round_mvp', ts: 'soon' } as unknown as AnyEvent];

    // Act
    const result = expectRejected(decodeFrame(encodeFrame(frameOf(events))), 'SCHEMA');

    // Assess
    expect(result.message).toMatch(/^events\[0\]\.ts: expected integer/);
  });
});

describe('decodeFrame rejections', () => {
  it('exports every stable code', async () => {
    // Assess
    expect([...FRAME_ERROR_CODES].sort()).toEqual([
      'BAD_BASE64',
      'BAD_COMPRESSION',
      'BAD_MSGPACK',
      'FRAME_TOO_LARGE',
      'SCHEMA',
      'TOO_MANY_EVENTS',
      'UNSUPPORTED_VERSION',
    ]);
  });

  it('FRAME_TOO_LARGE: base64 text over 32 KiB (API Gateway closes a larger WebSocket frame)', async () => {
    // Act
    const result = expectRejected(decodeFrame('A'.repeat(32 * 1024 + 4)), 'FRAME_TOO_LARGE');

    // Assess
    expect(result.message).toMatch(/over the limit of 32768/);
  });

  it('FRAME_TOO_LARGE: binary over the base64 equivalent (24 KiB)', async () => {
    // Prepare
    const atLimit = new Uint8Array(24 * 1024);
    const overLimit = new Uint8Array(24 * 1024 + 1);

    // Act
    const at = decodeFrame(atLimit);
    const over = decodeFrame(overLimit);

    // Assess
    expect(at.ok || at.code).not.toBe('FRAME_TOO_LARGE');
    expectRejected(over, 'FRAME_TOO_LARGE');
  });

  it('FRAME_TOO_LARGE: honours a lower limit', async () => {
    // Act
    const result = decodeFrame(encodeFrame(frameOf(someEvents(100))), { maxFrameBase64Chars: 100 });

    // Assess
    expectRejected(result, 'FRAME_TOO_LARGE');
  });

  it.each([
    ['a character outside the alphabet', 'gqF2AaZzZXJ2ZXI*'],
    ['whitespace', 'gqF2 AaZz'],
    ['a bad length', 'gqF2A'],
    ['padding in the middle', 'gq==F2Aa'],
  ])('BAD_BASE64: %s', async (_case, text) => {
    // Act
    const result = decodeFrame(text);

    // Assess
    expectRejected(result, 'BAD_BASE64');
  });

  it('BAD_COMPRESSION: a corrupt LZ4 envelope, with its reason', async () => {
    // Prepare: a valid frame's ext 99 with its block cut short by one byte.
    const bytes = encodeFrame(frameOf(someEvents(10)), { compression: 'lz4block', extHeader: 'ext32-v1' });
    const cut = bytes.slice(0, -1);
    const header = new DataView(cut.buffer);
    header.setUint32(1, header.getUint32(1) - 1);

    // Act
    const result = expectRejected(decodeFrame(cut), 'BAD_COMPRESSION');

    // Assess
    expect(result.message).toBe('LZ4 block is truncated');
  });

  it('BAD_COMPRESSION: a declared size over maxDecompressedBytes', async () => {
    // Prepare
    const bytes = encodeFrame(frameOf(someEvents(100)), { compression: 'lz4block' });

    // Act
    const result = expectRejected(decodeFrame(bytes, { maxDecompressedBytes: 1_000 }), 'BAD_COMPRESSION');

    // Assess
    expect(result.message).toMatch(/over the limit of 1000 bytes/);
  });

  it.each([
    ['a string cut short', Uint8Array.of(0xa5, 0x61), /not decodable/],
    ['the never-used byte C1', Uint8Array.of(0xc1), /not a map/],
    ['a truncated map', packed(frameOf(someEvents(3))).slice(0, -4), /not decodable/],
    ['trailing bytes', Uint8Array.from([...packed(frameOf([])), 0x00]), /bytes follow the msgpack value/],
    ['a top-level array', packed([1, 2, 3]), /not a map/],
    ['a top-level string', packed('hello'), /not a map/],
    ['an empty frame', new Uint8Array(0), /empty/],
  ])('BAD_MSGPACK: %s', async (_case, bytes, expected) => {
    // Act
    const result = expectRejected(decodeFrame(bytes), 'BAD_MSGPACK');

    // Assess
    expect(result.message).toMatch(expected);
  });

  it('SCHEMA: names the event index and field, with the seq', async () => {
    // Prepare
    const events: unknown[] = someEvents(5);
    events[3] = {
      type: 'player_death',
      ts: TS,
      attacker: STEAM_A,
      victim: 1234567,
      weapon: 'ak47',
    };

    // Act
    const result = expectRejected(decodeFrame(packed(frameOf(events as AnyEvent[]))), 'SCHEMA');

    // Assess
    expect(result.message).toBe('events[3].victim: expected string');
    expect(result.seq).toBe(42);
  });

  it.each([
    [
      'a missing required field',
      { type: 'round_end', ts: TS, winner: 'CT', scoreCT: 1, scoreT: 0 },
      'events[0].reason: expected required property',
    ],
    [
      'a nested field',
      { type: 'positions', ts: TS, players: [{ steamId: STEAM_A, pos: [1, 2] }] },
      'events[0].players[0].pos: expected tuple to have 3 elements',
    ],
    ['a float ts', { type: 'match_start', ts: 1.5 }, 'events[0].ts: expected integer'],
    ['an event that is not a map', 17, 'events[0]: expected object'],
    ['an event without a type', { ts: TS }, 'events[0].type: expected string'],
  ])('SCHEMA: %s', async (_case, event, message) => {
    // Act
    const result = expectRejected(decodeFrame(packed(frameOf([event as AnyEvent]))), 'SCHEMA');

    // Assess
    expect(result.message).toBe(message);
  });

  it.each([
    ['server', { server: '' }, /^server: expected string/, 42],
    ['session', { session: 12 }, /^session: expected string/, 42],
    ['seq', { seq: 0 }, /^seq: expected integer >= 1/, undefined],
    ['sentAt', { sentAt: 'now' }, /^sentAt: expected integer/, 42],
    ['events', { events: { 0: 1 } }, /^events: expected array/, 42],
    ['v', { v: undefined }, /^v: expected required property/, 42],
  ])('SCHEMA: a bad envelope field (%s)', async (_field, overrides, expected, seq) => {
    // Act
    const result = expectRejected(decodeFrame(packed({ ...frameOf([]), ...overrides })), 'SCHEMA');

    // Assess
    expect(result.message).toMatch(expected);
    expect(result.seq).toBe(seq);
  });

  it('TOO_MANY_EVENTS: over 5,000 events by default, or the given limit', async () => {
    // Prepare
    const many = packed(
      frameOf(Array.from({ length: 5_001 }, (_, index) => ({ type: 'match_start', ts: index }))),
    );
    const ten = encodeFrame(frameOf(someEvents(10)));

    // Act
    const byDefault = expectRejected(decodeFrame(many, { maxFrameBase64Chars: 1 << 20 }), 'TOO_MANY_EVENTS');
    const byLimit = expectRejected(decodeFrame(ten, { maxEvents: 9 }), 'TOO_MANY_EVENTS');

    // Assess
    expect(byDefault.seq).toBe(42);
    expect(byLimit.message).toBe('frame holds 10 events, over the limit of 9');
  });

  it('UNSUPPORTED_VERSION: v other than 1, with the seq', async () => {
    // Act
    const result = expectRejected(
      decodeFrame(packed({ ...frameOf(someEvents(1)), v: 2 })),
      'UNSUPPORTED_VERSION',
    );

    // Assess
    expect(result.message).toBe('v: version 2 is not supported (expected 1)');
    expect(result.seq).toBe(42);
  });
});
