/**
 * Edge validation: a frame the store could not hold (a NUL, an unpaired surrogate, a number no
 * column or `Date` takes, a date far from the sender's or the receiver's clock) is refused with
 * `SCHEMA`, naming the field and the reason, before it is ever acked.
 */
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import nukeLines from '../../../../shared/fixtures/matches/2026-02-09_de_nuke_FURIA_2-13_Team_Vitality.jsonl?raw';
import ancientLines from '../../../../shared/fixtures/matches/2026-05-17_de_ancient_Team_Spirit_13-10_Team_Falcons.jsonl?raw';
import type { AnyEvent } from '../events/catalog.ts';
import { EARLIEST_EVENT_TS, MAX_CLOCK_AHEAD_MS, MAX_EVENT_SPREAD_MS } from '../events/field-bounds.ts';
import { checkEvents, type DecodeResult, decodeFrame, encodeFrame, type Frame } from './index.ts';

const packr = new Packr({ useRecords: false, variableMapSize: true });
const STEAM = '76561198000000001';
/** The receiving clock of these tests. */
const NOW = Date.UTC(2026, 11, 6, 12);
const TS = NOW - 60_000;

function frameOf(events: unknown[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { v: 1, server: 'srv-1', session: 'boot-1', seq: 42, sentAt: TS, events, ...overrides };
}

/** Raw msgpack, as a hostile plugin could send it (no encoder checks on the way). */
function packed(value: unknown): Uint8Array {
  return Uint8Array.from(packr.pack(value));
}

function rejection(result: DecodeResult): { code: string; message: string } {
  if (result.ok) throw new Error('expected a rejection, got a frame');
  return { code: result.code, message: result.message };
}

/** `depth` levels of `{a: …}` around a string. */
function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let level = 0; level < depth; level++) value = { a: value };
  return value;
}

describe('decodeFrame refuses what PostgreSQL cannot store, naming the field and the reason', () => {
  it.each<[string, unknown, string]>([
    [
      'U+0000 in chat text',
      { type: 'chat', ts: TS, steamId: STEAM, text: 'gg\u0000wp' },
      'events[0].text: contains U+0000',
    ],
    [
      'U+0000 in a nested player weapon',
      {
        type: 'positions',
        ts: TS,
        players: [
          { steamId: STEAM, pos: [0, 0, 0] },
          { steamId: STEAM, pos: [0, 0, 0], weapon: '\u0000' },
        ],
      },
      'events[0].players[1].weapon: contains U+0000',
    ],
    [
      'U+0000 in an extra field of a known event',
      { type: 'round_start', ts: TS, note: 'x\u0000' },
      'events[0].note: contains U+0000',
    ],
    [
      'U+0000 in a key of a known event',
      { type: 'round_start', ts: TS, 'bad\u0000key': 1 },
      'events[0]["bad\\u0000key"]: key contains U+0000',
    ],
    [
      'U+0000 in a server_round_stats stat name',
      {
        type: 'server_round_stats',
        ts: TS,
        round: 1,
        scoreCT: 0,
        scoreT: 0,
        players: [{ steamId: STEAM, stats: { kills: 1, 'k\u0000': 2 } }],
      },
      'events[0].players[0].stats["k\\u0000"]: key contains U+0000',
    ],
    [
      'U+0000 deep in an unknown event',
      { type: 'round_mvp', ts: TS, detail: { list: ['ok', { label: '\u0000' }] } },
      'events[0].detail.list[1].label: contains U+0000',
    ],
  ])('SCHEMA: %s', async (_case, event, message) => {
    // Act
    const result = rejection(decodeFrame(packed(frameOf([{ type: 'round_start', ts: TS }, event]))));

    // Assess
    expect(result).toEqual({ code: 'SCHEMA', message: message.replace('events[0]', 'events[1]') });
  });

  it.each<[string, unknown, string]>([
    [
      'an unpaired high surrogate in a player name',
      { type: 'player_connect', ts: TS, steamId: STEAM, name: 'a\ud800b' },
      'events[0].name: contains an unpaired surrogate U+D800',
    ],
    [
      'an unpaired low surrogate in a weapon',
      { type: 'weapon_fire', ts: TS, steamId: STEAM, weapon: '\udc00ak47' },
      'events[0].weapon: contains an unpaired surrogate U+DC00',
    ],
    [
      'a high surrogate at the very end of a map name',
      { type: 'map_start', ts: TS, map: 'de_dust2\ud83d' },
      'events[0].map: contains an unpaired surrogate U+D83D',
    ],
    [
      'two high surrogates in a row',
      { type: 'chat', ts: TS, steamId: STEAM, text: '\ud83d\ud83d\ude00' },
      'events[0].text: contains an unpaired surrogate U+D83D',
    ],
    [
      'an unpaired surrogate in an unknown event key',
      { type: 'round_mvp', ts: TS, detail: { '\udfff': true } },
      'events[0].detail["\\udfff"]: key contains an unpaired surrogate U+DFFF',
    ],
  ])(
    'checkEvents refuses %s (JSON.stringify would write it as a \\u escape jsonb refuses)',
    async (_case, event, message) => {
      // Act
      const result = checkEvents([event]);

      // Assess
      expect(result).toEqual({ ok: false, message });
    },
  );

  it('checkEvents refuses the unpaired surrogates JSON text can hold (a JSON-lines file, a webhook)', async () => {
    // Prepare
    const events = [JSON.parse('{"type":"chat","ts":1767290400000,"steamId":"1","text":"\\ud800"}')];

    // Act
    const result = checkEvents(events);

    // Assess
    expect(result).toEqual({ ok: false, message: 'events[0].text: contains an unpaired surrogate U+D800' });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['server', { server: 'srv\u0000' }, 'server: contains U+0000'],
    ['session', { session: 'boot\u0000' }, 'session: contains U+0000'],
    ['match', { match: '\u0000' }, 'match: contains U+0000'],
    ['tag', { tag: 'cup\u0000' }, 'tag: contains U+0000'],
  ])('SCHEMA: an envelope %s that cannot be stored', async (_field, overrides, message) => {
    // Act
    const result = rejection(decodeFrame(packed(frameOf([], overrides))));

    // Assess
    expect(result).toEqual({ code: 'SCHEMA', message });
  });

  it('accepts what looks close but can be stored: emoji (surrogate pairs), U+FFFD, control characters', async () => {
    // Prepare
    const events: AnyEvent[] = [
      { type: 'chat', ts: TS, steamId: STEAM, text: 'gg 🔥🔥 wp \ufffd \u0001\t\n' },
      { type: 'player_connect', ts: TS, steamId: STEAM, name: '😀' },
      { type: 'round_mvp', ts: TS, unknown: true, '🔑': ['🙂', { deep: 'ok' }] } as AnyEvent,
    ];

    // Act
    const result = decodeFrame(encodeFrame(frameOf(events) as unknown as Frame), undefined, NOW);

    // Assess
    expect(result.ok && result.frame.events).toEqual(events);
  });
});

describe('decodeFrame names what it refuses without converting it to text', () => {
  it.each([
    [{ toString: 'not a function' }, 'a map'],
    [{ valueOf: 1 }, 'a map'],
    [[1, 2], 'an array'],
    [null, 'nil'],
    ['2.0', '2.0'],
  ])(
    'UNSUPPORTED_VERSION for v %j, named as %s (a map with a toString key threw before)',
    async (v, named) => {
      const result = decodeFrame(packed(frameOf([], { v })), undefined, NOW);

      expect(rejection(result)).toEqual({
        code: 'UNSUPPORTED_VERSION',
        message: `v: version ${named} is not supported (expected 1)`,
      });
    },
  );
});

describe("decodeFrame refuses player ids that are names of every JavaScript object's prototype", () => {
  it.each(['__proto__', 'constructor', 'toString', 'valueOf'])(
    'SCHEMA: a steamId %s (a key of the match state that would reach Object.prototype)',
    async (steamId) => {
      const result = decodeFrame(
        packed(frameOf([{ type: 'player_connect', ts: TS, steamId, name: 'evil' }])),
        undefined,
        NOW,
      );

      expect(rejection(result)).toEqual({
        code: 'SCHEMA',
        message: `events[0].steamId: '${steamId}' is a name every JavaScript object has, not a player id`,
      });
    },
  );

  it.each([
    ['ts', { type: 'round_start', ts: '__proto__' }, 'events[0].ts: expected integer'],
    [
      'side',
      { type: 'player_team', ts: TS, steamId: STEAM, side: 'toString' },
      'events[0].side: expected union value',
    ],
  ])(
    'names another field holding such a name (%s) by its own error, not as a player id',
    async (_field, event, message) => {
      const result = decodeFrame(packed(frameOf([event])), undefined, NOW);

      expect(rejection(result)).toEqual({ code: 'SCHEMA', message });
    },
  );

  it('accepts such names where they are text, not keys: a chat message, a player name, a bot', async () => {
    const events = [
      { type: 'chat', ts: TS, steamId: STEAM, text: '__proto__' },
      { type: 'player_connect', ts: TS, steamId: 'BOT:constructor', name: 'constructor' },
    ];

    const result = decodeFrame(packed(frameOf(events, { session: 'constructor' })), undefined, NOW);

    expect(result.ok).toBe(true);
  });
});

describe('decodeFrame refuses numbers outside what the store, Date and the statistics take', () => {
  it.each<[string, unknown, string]>([
    [
      'a ts past what Date holds (8.64e15)',
      { type: 'match_start', ts: 9e15 },
      'events[0].ts: expected integer to be less or equal to 4102444800000',
    ],
    [
      'a ts past year 9999',
      { type: 'match_start', ts: Date.UTC(10_000, 0, 1) },
      'events[0].ts: expected integer to be less or equal to 4102444800000',
    ],
    [
      'a negative ts',
      { type: 'match_start', ts: -1 },
      'events[0].ts: expected integer to be greater or equal to 0',
    ],
    [
      'an unknown type with a ts past what Date holds',
      { type: 'round_mvp', ts: 9e15 },
      "events[0].ts: expected integer epoch ms from 1970-01-01T00:00:00.000Z to 2100-01-01T00:00:00.000Z (unknown type 'round_mvp')",
    ],
    [
      'a tick beyond int32',
      { type: 'match_start', ts: TS, tick: 2 ** 31 },
      'events[0].tick: expected integer to be less or equal to 2147483647',
    ],
    [
      'negative money',
      { type: 'economy', ts: TS, players: [{ steamId: STEAM, money: -1 }] },
      'events[0].players[0].money: expected integer to be greater or equal to 0',
    ],
    [
      'money over a million',
      { type: 'economy', ts: TS, players: [{ steamId: STEAM, money: 1_000_001 }] },
      'events[0].players[0].money: expected integer to be less or equal to 1000000',
    ],
    [
      'a score over 10,000',
      { type: 'match_end', ts: TS, scoreCT: 10_001, scoreT: 0 },
      'events[0].scoreCT: expected integer to be less or equal to 10000',
    ],
    [
      'a round over 10,000',
      { type: 'backup_restore', ts: TS, round: 10_001 },
      'events[0].round: expected integer to be less or equal to 10000',
    ],
    [
      'health over a million',
      { type: 'player_hurt', ts: TS, victim: STEAM, weapon: 'ak47', dmgHealth: 1, health: 2_000_000 },
      'events[0].health: expected integer to be less or equal to 1000000',
    ],
    [
      'damage over a million',
      { type: 'player_hurt', ts: TS, victim: STEAM, weapon: 'ak47', dmgHealth: 2_000_000, health: 0 },
      'events[0].dmgHealth: expected integer to be less or equal to 1000000',
    ],
    [
      'a position beyond ±1e6',
      { type: 'player_footstep', ts: TS, steamId: STEAM, pos: [0, -1e7, 0] },
      'events[0].pos[1]: expected number to be greater or equal to -1000000',
    ],
    [
      'NaN in a position',
      { type: 'player_footstep', ts: TS, steamId: STEAM, pos: [Number.NaN, 0, 0] },
      'events[0].pos[0]: NaN is not a finite number within ±2^53',
    ],
    [
      'Infinity in an unknown event',
      { type: 'round_mvp', ts: TS, value: Number.POSITIVE_INFINITY },
      'events[0].value: Infinity is not a finite number within ±2^53',
    ],
    [
      'a uint64 beyond 2^53 in an unknown event',
      { type: 'round_mvp', ts: TS, id: 2n ** 60n },
      `events[0].id: ${2 ** 60} is not a finite number within ±2^53`,
    ],
    [
      'a negative int64 beyond -2^53 in an extra field',
      { type: 'round_start', ts: TS, id: -(2n ** 62n) },
      `events[0].id: ${-(2 ** 62)} is not a finite number within ±2^53`,
    ],
    [
      'a blind duration over an hour',
      { type: 'player_blind', ts: TS, victim: STEAM, duration: 3_601 },
      'events[0].duration: expected number to be less or equal to 3600',
    ],
  ])('SCHEMA: %s', async (_case, event, message) => {
    // Act
    const result = rejection(decodeFrame(packed(frameOf([event]))));

    // Assess
    expect(result).toEqual({ code: 'SCHEMA', message });
  });

  it('SCHEMA: a seq beyond 2^53', async () => {
    // Act
    const result = decodeFrame(packed(frameOf([], { seq: 2n ** 53n + 2n })));

    // Assess
    expect(rejection(result)).toEqual({ code: 'SCHEMA', message: 'seq: expected integer >= 1 and < 2^53' });
  });
});

describe('decodeFrame bounds the shape of unknown event payloads', () => {
  it.each<[string, unknown, string]>([
    [
      'nesting deeper than 16 levels',
      { type: 'round_mvp', ts: TS, x: nested(16) },
      'events[0].x.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a: nests deeper than 16 levels',
    ],
    [
      'a list of more than 4,096 items',
      { type: 'round_mvp', ts: TS, list: Array.from({ length: 4_097 }, () => 0) },
      'events[0].list: holds 4097 items, over the limit of 4096',
    ],
    [
      'msgpack binary',
      { type: 'round_mvp', ts: TS, blob: Buffer.from([1, 2, 3]) },
      'events[0].blob: is not a map, list, string, number, boolean or nil (binary or extension)',
    ],
  ])('SCHEMA: %s', async (_case, event, message) => {
    // Act
    const result = rejection(decodeFrame(packed(frameOf([event])), { maxFrameBase64Chars: 1 << 20 }));

    // Assess
    expect(result).toEqual({ code: 'SCHEMA', message });
  });

  it('accepts 15 levels of nesting below an event', async () => {
    // Act
    const result = decodeFrame(packed(frameOf([{ type: 'round_mvp', ts: TS, x: nested(14) }])));

    // Assess
    expect(result.ok).toBe(true);
  });
});

describe('decodeFrame with the receiving clock holds a frame to its time window', () => {
  const DAY = 86_400_000;

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'a sentAt before 2000',
      { sentAt: EARLIEST_EVENT_TS - 1, events: [] },
      /^sentAt: 946684799999 is outside 2000-01-01T00:00:00\.000Z … 2026-12-07T12:00:00\.000Z/,
    ],
    [
      'a sentAt more than a day past the clock',
      { sentAt: NOW + MAX_CLOCK_AHEAD_MS + 1, events: [] },
      /^sentAt: \d+ is outside 2000-01-01T00:00:00\.000Z … 2026-12-07T12:00:00\.000Z/,
    ],
    [
      'an event more than a day after its sentAt',
      { sentAt: TS - 2 * DAY, events: [{ type: 'match_start', ts: TS - 2 * DAY + MAX_EVENT_SPREAD_MS + 1 }] },
      /^events\[0\]\.ts: 2026-12-05T11:59:00\.001Z is outside 2026-12-03T11:59:00\.000Z … 2026-12-05T11:59:00\.000Z \(from 2000, within 1 day of the frame's sentAt/,
    ],
    [
      'an event before 2000, though within a day of its sentAt',
      { sentAt: EARLIEST_EVENT_TS + 1_000, events: [{ type: 'match_start', ts: EARLIEST_EVENT_TS - 1 }] },
      /^events\[0\]\.ts: 1999-12-31T23:59:59\.999Z is outside 2000-01-01T00:00:00\.000Z … /,
    ],
    [
      'an event more than a day before its sentAt',
      { events: [{ type: 'round_mvp', ts: TS - MAX_EVENT_SPREAD_MS - 1 }] },
      /^events\[0\]\.ts: 2026-12-05T11:58:59\.999Z is outside/,
    ],
    [
      'an event more than a day past the clock, though within a day of its sentAt',
      { sentAt: NOW + DAY / 2, events: [{ type: 'match_start', ts: NOW + DAY + 1 }] },
      /^events\[0\]\.ts: 2026-12-07T12:00:00\.001Z is outside 2026-12-06T00:00:00\.000Z … 2026-12-07T12:00:00\.000Z/,
    ],
  ])('SCHEMA: %s', async (_case, overrides, message) => {
    // Act
    const result = rejection(decodeFrame(packed(frameOf([], overrides)), undefined, NOW));

    // Assess
    expect(result.code).toBe('SCHEMA');
    expect(result.message).toMatch(message);
  });

  it('accepts a frame of old events dated by its own events (a replayed 2020 log), and a day of clock skew', async () => {
    // Prepare
    const old = Date.UTC(2020, 8, 12, 19, 4, 11);
    const replayed = packed(frameOf([{ type: 'round_start', ts: old }], { sentAt: old }));
    const fast = packed(frameOf([{ type: 'round_start', ts: NOW + DAY }], { sentAt: NOW + DAY }));

    // Act & Assess
    expect(decodeFrame(replayed, undefined, NOW).ok).toBe(true);
    expect(decodeFrame(fast, undefined, NOW).ok).toBe(true);
  });

  it('leaves the clock window out without a receiving clock (the worker reads frames acked earlier)', async () => {
    // Act
    const result = decodeFrame(packed(frameOf([{ type: 'round_start', ts: TS }], { sentAt: 0 })));

    // Assess
    expect(result.ok).toBe(true);
  });
});

describe('decodeFrame keeps valid fixture matches unchanged', () => {
  it.each([
    ['2026-02-09 de_nuke', nukeLines],
    ['2026-05-17 de_ancient', ancientLines],
  ])(
    'decodes every frame of the %s fixture, as the replay client frames it, to the same events',
    async (file, lines) => {
      // Prepare: frames of 100 events dated by their first event, as `geqo replay` sends them
      const events = lines
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as AnyEvent);
      const decoded: AnyEvent[] = [];

      // Act
      for (let start = 0, seq = 1; start < events.length; start += 100, seq++) {
        const batch = events.slice(start, start + 100);
        const frame: Frame = {
          v: 1,
          server: 'srv-1',
          session: 's',
          seq,
          sentAt: batch[0]!.ts,
          events: batch,
        };
        const result = decodeFrame(encodeFrame(frame), undefined, Date.now());
        if (!result.ok) throw new Error(`${file} seq ${seq}: ${result.code} ${result.message}`);
        decoded.push(...result.frame.events);
      }

      // Assess
      expect(decoded).toEqual(events);
    },
  );
});

describe("decodeFrame reads a C# plugin's 32-bit floats as the decimals the plugin had", () => {
  // MessagePack-CSharp writes a C# `float` as msgpack float32, as this packr does every non-integer.
  const csharpPackr = new Packr({ useRecords: false, variableMapSize: true, useFloat32: 1 });
  const f = Math.fround;

  it('stores positions, hit positions and a blind duration as 1234.57, not 1234.5699462890625, and the same floats', async () => {
    // Arrange: a frame as a C# plugin writes it
    const sent = [
      {
        type: 'positions',
        ts: TS,
        players: [{ steamId: STEAM, pos: [1234.57, -512.03, 87.6], yaw: 179.9, health: 100, alive: true }],
      },
      {
        type: 'player_hurt',
        ts: TS,
        victim: STEAM,
        weapon: 'ak47',
        dmgHealth: 27,
        health: 73,
        attackerPos: [-2667.3337, 0.1, 12.5],
      },
      { type: 'player_blind', ts: TS, victim: STEAM, duration: 2.35 },
    ];
    const bytes = Uint8Array.from(csharpPackr.pack(frameOf(sent)));

    // Act
    const result = decodeFrame(bytes, undefined, NOW);

    // Assess: the decimals sent, each the very float32 the plugin wrote
    if (!result.ok) throw new Error(`${result.code} ${result.message}`);
    const [positions, hurt, blind] = result.frame.events as unknown as Record<string, unknown>[];
    const player = (positions?.players as Record<string, unknown>[] | undefined)?.[0];
    expect(player?.pos).toEqual([1234.57, -512.03, 87.6]);
    expect(player?.yaw).toBe(179.9);
    expect(hurt?.attackerPos).toEqual([-2667.3337, 0.1, 12.5]);
    expect(blind?.duration).toBe(2.35);
    expect(((player?.pos ?? []) as number[]).map(f)).toEqual([f(1234.57), f(-512.03), f(87.6)]);
    expect(JSON.stringify(player?.pos)).toBe('[1234.57,-512.03,87.6]');
  });

  it("leaves numbers no 32-bit float holds (a 64-bit sender's), integers and an unknown type's numbers as sent", async () => {
    // Arrange: 64-bit floats throughout, as the replay client and a JSON file send them
    const sent = [
      { type: 'player_footstep', ts: TS, steamId: STEAM, pos: [1234.56789, 100, -0.25] },
      { type: 'custom_probe', ts: TS, value: 1234.5699462890625 },
    ];

    // Act
    const result = decodeFrame(packed(frameOf(sent)), undefined, NOW);

    // Assess
    if (!result.ok) throw new Error(`${result.code} ${result.message}`);
    const [footstep, probe] = result.frame.events as unknown as Record<string, unknown>[];
    expect(footstep?.pos).toEqual([1234.56789, 100, -0.25]);
    expect(probe?.value).toBe(1234.5699462890625);
  });
});
