/**
 * Turns one untrusted WebSocket message into a validated {@link Frame}, or a stable error code.
 *
 * ```
 * input    = bytes | base64 text                     size checked first, as base64 length
 * bytes    = lz4block | lz4blockarray | plain        see msgpack-csharp-lz4.ts
 * plain    = map { v: 1, server: str, session: str, seq: uint >= 1, sentAt: int,
 *                  match?: str, tag?: str, events: [event…] }
 * ```
 * Each layer rejects with its own code: FRAME_TOO_LARGE, BAD_BASE64, BAD_COMPRESSION,
 * BAD_MSGPACK, then UNSUPPORTED_VERSION / SCHEMA / TOO_MANY_EVENTS for the value. Expected
 * rejections are returned, never thrown.
 *
 * SCHEMA covers, besides the catalog: every string of the frame (envelope, events, keys) and
 * every number must be storable (`storable-value.ts`), every named number within its bound
 * (`FIELD_BOUNDS`), and, when the receiving clock is given (ingest), the frame's time:
 * ```
 * EARLIEST_EVENT_TS <= sentAt <= receivedAt + MAX_CLOCK_AHEAD_MS
 * max(EARLIEST_EVENT_TS, sentAt - MAX_EVENT_SPREAD_MS) <= ts
 * ts <= min(sentAt + MAX_EVENT_SPREAD_MS, receivedAt + MAX_CLOCK_AHEAD_MS)
 * ```
 * The window follows `sentAt`, not the clock alone, so a replay of old files (dated by their own
 * events) is accepted while one frame cannot scatter events over many days.
 */
import { Unpackr } from 'msgpackr';
import {
  EARLIEST_EVENT_TS,
  FIELD_BOUNDS,
  MAX_CLOCK_AHEAD_MS,
  MAX_EVENT_SPREAD_MS,
} from '../events/field-bounds.ts';
import { base64Length, decodeBase64Text } from './base64-text.ts';
import { type CodecLimits, DEFAULT_CODEC_LIMITS } from './codec-limits.ts';
import { checkEvents, iso, type TsWindow } from './event-validation.ts';
import { FRAME_VERSION, type Frame } from './frame.ts';
import type { FrameErrorCode } from './frame-error-codes.ts';
import { type Compression, unwrapLz4 } from './msgpack-csharp-lz4.ts';
import { stringFault } from './storable-value.ts';

/** A decoded frame, or why it was rejected (`seq` when the envelope was readable that far). */
export type DecodeResult =
  | {
      ok: true;
      frame: Frame;
      compression: Compression;
      /** Size of the binary frame (after base64 decoding, for text input). */
      wireBytes: number;
      /** How many events have a type this version does not know (kept, flagged `unknown`). */
      unknownTypes: number;
    }
  | {
      ok: false;
      code: FrameErrorCode;
      message: string;
      seq?: number;
      /**
       * The frame's envelope, when it was valid and only its events were refused: a worker that
       * meets such a frame on the stream can count it as applied (without events) and go on with
       * its session instead of waiting for a gap to time out.
       */
      envelope?: Omit<Frame, 'events'>;
    };

/** A rejection, as {@link decodeFrame} returns it. */
export type FrameRejection = Extract<DecodeResult, { ok: false }>;

/** Longest accepted `server`, `session`, `match` and `tag`. */
const MAX_ID_LENGTH = 256;

// Plain maps as objects, no msgpackr records (0x40–0x7F stay fixints), int64 as numbers.
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });

/**
 * Decodes a frame from binary bytes or base64 text and validates it against the protocol.
 * The returned frame reuses the decoded event objects (no copy).
 *
 * `receivedAt` (epoch ms, the receiving clock) turns on the time window: ingest passes it, so a
 * frame dated far from its own events or from now is never acked. The worker, reading frames
 * ingest accepted (possibly days ago), leaves it out and checks everything else.
 */
export function decodeFrame(
  input: Uint8Array | string,
  limits?: Partial<CodecLimits>,
  receivedAt?: number,
): DecodeResult {
  const maxFrameBase64Chars = limits?.maxFrameBase64Chars ?? DEFAULT_CODEC_LIMITS.maxFrameBase64Chars;
  let bytes: Uint8Array;
  if (typeof input === 'string') {
    if (input.length > maxFrameBase64Chars) {
      return reject(
        'FRAME_TOO_LARGE',
        `frame is ${input.length} base64 chars, over the limit of ${maxFrameBase64Chars}`,
      );
    }
    const decoded = decodeBase64Text(input);
    if (decoded === undefined) return reject('BAD_BASE64', 'text frame is not valid base64');
    bytes = decoded;
  } else {
    if (base64Length(input.length) > maxFrameBase64Chars) {
      return reject(
        'FRAME_TOO_LARGE',
        `frame is ${input.length} bytes (${base64Length(input.length)} as base64), over the limit of ${maxFrameBase64Chars}`,
      );
    }
    bytes = input;
  }
  if (bytes.length === 0) return reject('BAD_MSGPACK', 'frame is empty');

  const unwrapped = unwrapLz4(
    bytes,
    limits?.maxDecompressedBytes ?? DEFAULT_CODEC_LIMITS.maxDecompressedBytes,
  );
  if (!unwrapped.ok) return reject('BAD_COMPRESSION', unwrapped.message);

  let value: unknown;
  try {
    value = unpackr.unpack(unwrapped.msgpack);
  } catch (error) {
    return reject('BAD_MSGPACK', describeUnpackError(error));
  }
  // msgpackr reads a map as a plain object; arrays, bins and its ext types (dates, sets…) are not maps.
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) {
    return reject('BAD_MSGPACK', 'top value is not a map');
  }
  const read = readFrame(
    value as Record<string, unknown>,
    limits?.maxEvents ?? DEFAULT_CODEC_LIMITS.maxEvents,
    receivedAt,
  );
  if (!read.ok) return read;
  return {
    ok: true,
    frame: read.frame,
    compression: unwrapped.compression,
    wireBytes: bytes.length,
    unknownTypes: read.unknownTypes,
  };
}

function reject(code: FrameErrorCode, message: string, seq?: number): FrameRejection {
  return seq === undefined ? { ok: false, code, message } : { ok: false, code, message, seq };
}

/**
 * A decoded value as a message quotes it: a number, string or boolean as itself (32 characters at
 * most), anything else by its kind. `String()` of a map is no help, and throws for one whose
 * `toString` key holds text instead of a function.
 */
function quoted(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value.slice(0, 32);
  if (value === null) return 'nil';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'binary';
  return typeof value === 'object' ? 'a map' : `a ${typeof value}`;
}

function describeUnpackError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // msgpackr quotes the start of the value it read; the client has its own bytes already.
  if (message.startsWith('Data read, but end of buffer not reached')) return 'bytes follow the msgpack value';
  return `not decodable msgpack: ${message.slice(0, 160)}`;
}

type FrameRead = { ok: true; frame: Frame; unknownTypes: number } | FrameRejection;

function readFrame(map: Record<string, unknown>, maxEvents: number, receivedAt?: number): FrameRead {
  const { v, server, session, seq, sentAt, match, tag, events } = map;
  const readableSeq =
    typeof seq === 'number' &&
    Number.isInteger(seq) &&
    seq >= FIELD_BOUNDS.seq.minimum &&
    seq <= FIELD_BOUNDS.seq.maximum
      ? seq
      : undefined;
  if (v !== FRAME_VERSION) {
    return v === undefined
      ? reject('SCHEMA', 'v: expected required property', readableSeq)
      : reject('UNSUPPORTED_VERSION', `v: version ${quoted(v)} is not supported (expected 1)`, readableSeq);
  }
  if (!isId(server))
    return reject('SCHEMA', `server: expected string of 1 to ${MAX_ID_LENGTH} chars`, readableSeq);
  if (!isId(session))
    return reject('SCHEMA', `session: expected string of 1 to ${MAX_ID_LENGTH} chars`, readableSeq);
  if (readableSeq === undefined) return reject('SCHEMA', 'seq: expected integer >= 1 and < 2^53');
  if (typeof sentAt !== 'number' || !Number.isSafeInteger(sentAt) || sentAt < 0) {
    return reject('SCHEMA', 'sentAt: expected integer (epoch ms)', readableSeq);
  }
  // A C# plugin writes an unset optional string as nil: read it as absent.
  if (!isOptionalId(match))
    return reject('SCHEMA', `match: expected string of at most ${MAX_ID_LENGTH} chars`, readableSeq);
  if (!isOptionalId(tag))
    return reject('SCHEMA', `tag: expected string of at most ${MAX_ID_LENGTH} chars`, readableSeq);
  const envelopeFault = findEnvelopeStringFault(server, session, match, tag);
  if (envelopeFault !== undefined) return reject('SCHEMA', envelopeFault, readableSeq);
  let window: TsWindow | undefined;
  if (receivedAt !== undefined) {
    const latestSentAt = receivedAt + MAX_CLOCK_AHEAD_MS;
    if (sentAt < EARLIEST_EVENT_TS || sentAt > latestSentAt) {
      return reject(
        'SCHEMA',
        `sentAt: ${sentAt} is outside ${iso(EARLIEST_EVENT_TS)} … ${iso(latestSentAt)} (from 2000 to 1 day past the receiving clock)`,
        readableSeq,
      );
    }
    window = {
      earliest: Math.max(EARLIEST_EVENT_TS, sentAt - MAX_EVENT_SPREAD_MS),
      latest: Math.min(sentAt + MAX_EVENT_SPREAD_MS, latestSentAt),
      description:
        "from 2000, within 1 day of the frame's sentAt, and at most 1 day past the receiving clock",
    };
  }
  if (!Array.isArray(events)) return reject('SCHEMA', 'events: expected array', readableSeq);
  if (events.length > maxEvents) {
    return reject(
      'TOO_MANY_EVENTS',
      `frame holds ${events.length} events, over the limit of ${maxEvents}`,
      readableSeq,
    );
  }

  const envelope: Omit<Frame, 'events'> = { v: FRAME_VERSION, server, session, seq: readableSeq, sentAt };
  if (typeof match === 'string') envelope.match = match;
  if (typeof tag === 'string') envelope.tag = tag;
  const checked = checkEvents(events, window);
  if (!checked.ok) return { ...reject('SCHEMA', checked.message, readableSeq), envelope };
  return { ok: true, frame: { ...envelope, events: checked.events }, unknownTypes: checked.unknownTypes };
}

/** The first envelope string that cannot be stored, as `server: contains U+0000`. */
function findEnvelopeStringFault(
  server: string,
  session: string,
  match: string | null | undefined,
  tag: string | null | undefined,
): string | undefined {
  const named: [string, string | null | undefined][] = [
    ['server', server],
    ['session', session],
    ['match', match],
    ['tag', tag],
  ];
  for (const [name, value] of named) {
    const reason = typeof value === 'string' ? stringFault(value) : undefined;
    if (reason !== undefined) return `${name}: ${reason}`;
  }
  return undefined;
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= MAX_ID_LENGTH;
}

function isOptionalId(value: unknown): value is string | null | undefined {
  return (
    value === undefined || value === null || (typeof value === 'string' && value.length <= MAX_ID_LENGTH)
  );
}
