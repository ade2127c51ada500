/**
 * Plugin frames a hostile or broken client sends: real events (the fixture matches, plus a
 * synthetic match's positions, shots and footsteps, which the recordings lack) in a valid
 * frame, encoded with the project's own encoder, then mutated: fields replaced by values of
 * another type or past their bounds, hostile strings in every string, extra keys, deep nesting;
 * then, on the bytes, bit flips, truncation and garbage; sent as binary or as base64 text.
 */
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import fc from 'fast-check';
import { type Compression, encodeFrame, type Frame } from '../../../shared/domain/codec/index.ts';
import type { AnyEvent } from '../../../shared/domain/events/index.ts';
import { fixtureMatches } from './fixture-inputs.ts';
import { hostileTimestamp, hostileValue } from './hostile-values.ts';
import { applyValueMutation, show, type ValueMutation, valueMutation, withSteps } from './value-mutations.ts';

/** The event streams frames are cut from. */
export const SOURCE_MATCHES: readonly (readonly AnyEvent[])[] = [
  ...fixtureMatches(),
  generateSyntheticMatch({ rounds: 2, seed: 11 }),
];

/** One fuzz input: what goes on the wire, and how it was made (for a failure's report). */
export interface FrameCase {
  /** Binary message bytes, or base64 text. */
  message: Uint8Array | string;
  /** The frame before any byte-level change: its events are what must be stored if it is acked. */
  frame: Frame;
  steps: string[];
}

type Mutation =
  | ValueMutation
  | { kind: 'event-ts'; event: number; ts: number }
  | {
      kind: 'envelope';
      field: 'v' | 'server' | 'session' | 'seq' | 'sentAt' | 'match' | 'tag' | 'events';
      value: unknown;
    };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 12, arbitrary: valueMutation },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('event-ts' as const), event: fc.nat(), ts: hostileTimestamp }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('envelope' as const),
      field: fc.constantFrom('v', 'server', 'session', 'seq', 'sentAt', 'match', 'tag', 'events'),
      value: hostileValue,
    }),
  },
);

/** Applies a mutation to a frame (in place) and says what it did. */
function applyMutation(frame: Frame, change: Mutation): string {
  const root = frame as unknown as Record<string, unknown>;
  switch (change.kind) {
    case 'envelope':
      root[change.field] = change.value;
      return `envelope ${change.field} = ${show(change.value)}`;
    case 'event-ts': {
      if (!Array.isArray(frame.events) || frame.events.length === 0) return 'event-ts: no events';
      const index = change.event % frame.events.length;
      const event: unknown = frame.events[index];
      if (typeof event !== 'object' || event === null) return 'event-ts: not an event';
      (event as { ts: unknown }).ts = change.ts;
      return `events[${index}].ts = ${change.ts}`;
    }
    default:
      return applyValueMutation(frame.events, change, 'events');
  }
}

type ByteChange =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'append'; bytes: Uint8Array }
  | { kind: 'overwrite'; at: number; bytes: Uint8Array };

const byteChange: fc.Arbitrary<ByteChange> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('overwrite' as const),
      at: fc.nat(),
      bytes: fc.oneof(
        fc.uint8Array({ minLength: 1, maxLength: 8 }),
        // msgpack headers that claim huge lengths, and LZ4 ext headers
        fc.constantFrom(
          Uint8Array.of(0xdd, 0xff, 0xff, 0xff, 0xff),
          Uint8Array.of(0xdf, 0x7f, 0xff, 0xff, 0xff),
          Uint8Array.of(0xdb, 0xff, 0xff, 0xff, 0xff),
          Uint8Array.of(0xc7, 0xff, 0x63),
          Uint8Array.of(0xd2, 0x7f, 0xff, 0xff, 0xff),
          Uint8Array.of(0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
        ),
      ),
    }),
  },
);

function applyByteChange(bytes: Uint8Array, change: ByteChange): { bytes: Uint8Array; step: string } {
  if (bytes.length === 0) return { bytes, step: `${change.kind}: empty` };
  switch (change.kind) {
    case 'flip': {
      const copy = new Uint8Array(bytes);
      const at = change.at % copy.length;
      copy[at] = (copy[at] ?? 0) ^ (1 << change.bit);
      return { bytes: copy, step: `flip bit ${change.bit} of byte ${at}` };
    }
    case 'truncate': {
      const at = change.at % bytes.length;
      return { bytes: bytes.slice(0, at), step: `truncate to ${at} bytes` };
    }
    case 'append': {
      const copy = new Uint8Array(bytes.length + change.bytes.length);
      copy.set(bytes);
      copy.set(change.bytes, bytes.length);
      return { bytes: copy, step: `append ${Buffer.from(change.bytes).toString('hex')}` };
    }
    case 'overwrite': {
      const copy = new Uint8Array(bytes);
      const at = change.at % copy.length;
      copy.set(change.bytes.subarray(0, copy.length - at), at);
      return { bytes: copy, step: `overwrite at ${at} with ${Buffer.from(change.bytes).toString('hex')}` };
    }
  }
}

export interface FrameCaseOptions {
  /** The `server` a valid frame names. */
  server: string;
  /** Most events in one frame (the fixtures' events, cut in runs). */
  maxEvents?: number;
}

/** A valid frame of real events, for `server`, in a fresh session. */
export function validFrame(options: FrameCaseOptions): fc.Arbitrary<Frame> {
  return fc
    .record({
      match: fc.nat({ max: SOURCE_MATCHES.length - 1 }),
      start: fc.nat(),
      count: fc.integer({ min: 0, max: options.maxEvents ?? 8 }),
      session: fc.integer({ min: 1, max: 2 ** 40 }),
      tagged: fc.boolean(),
    })
    .map(({ match, start, count, session, tagged }) => {
      const source = SOURCE_MATCHES[match]!;
      const from = start % source.length;
      const events = structuredClone(source.slice(from, from + count)) as AnyEvent[];
      const frame: Frame = {
        v: 1,
        server: options.server,
        session: `fz-${session.toString(36)}`,
        seq: 1,
        sentAt: events[0]?.ts ?? 1_770_000_000_000,
        events,
      };
      if (tagged) frame.tag = 'fuzz';
      return frame;
    });
}

/**
 * A frame case: a valid frame, 0 to 3 value mutations, its encoding (plain, Lz4Block or
 * Lz4BlockArray), 0 to 2 byte-level changes, and its transport (binary, or base64 text).
 */
export function frameCase(options: FrameCaseOptions): fc.Arbitrary<FrameCase> {
  return fc
    .record({
      frame: validFrame(options),
      mutations: fc.array(mutation, { maxLength: 3 }),
      compression: fc.constantFrom<Compression>('none', 'lz4block', 'lz4blockarray'),
      byteChanges: fc.oneof(
        { weight: 3, arbitrary: fc.constant<ByteChange[]>([]) },
        { weight: 2, arbitrary: fc.array(byteChange, { minLength: 1, maxLength: 2 }) },
      ),
      transport: fc.constantFrom<'binary' | 'base64'>('binary', 'binary', 'base64'),
    })
    .map(({ frame: generated, mutations, compression, byteChanges, transport }) => {
      // Mutated in place: a copy, since shrinking maps the same generated frame again.
      const frame = structuredClone(generated);
      const steps: string[] = [];
      for (const change of mutations) steps.push(applyMutation(frame, change));
      let bytes: Uint8Array;
      try {
        bytes = encodeFrame(frame, { compression });
        steps.push(`encoded (${compression}, ${bytes.length} bytes)`);
      } catch (error) {
        // A value msgpack cannot carry: the frame goes without its last mutation's value.
        steps.push(`not encodable (${String(error).slice(0, 60)}): sent as msgpack nil`);
        bytes = Uint8Array.of(0xc0);
      }
      for (const change of byteChanges) {
        const changed = applyByteChange(bytes, change);
        bytes = changed.bytes;
        steps.push(changed.step);
      }
      if (transport === 'base64') steps.push('sent as base64 text');
      return withSteps({
        message: transport === 'base64' ? Buffer.from(bytes).toString('base64') : bytes,
        frame,
        steps,
      });
    });
}

/** Text messages that are not base64 of anything, or base64 of garbage. */
export const garbageText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 64 }),
  fc.constantFrom('', '=', '====', 'AAAA=AAA', '\u0000', '\ud800', '{"v":1}', 'data:;base64,AAAA'),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('base64')),
);
