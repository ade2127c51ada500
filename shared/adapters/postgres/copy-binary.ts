/**
 * `game_events` rows in PostgreSQL's binary COPY format: each row a field count, then each field
 * as its length and its bytes (`-1` for null). Nothing is escaped and nothing is parsed from
 * text: the timestamp goes as microseconds, the numbers as integers, the JSON as `jsonb`'s binary
 * form (a version byte, then the JSON text). Rows are written straight into a growing buffer, so a
 * batch's rows can be joined by concatenation; the header and trailer go around them when sent
 * ({@link COPY_BINARY_HEADER}, {@link COPY_BINARY_TRAILER}).
 *
 * Why binary: the one PostgreSQL session that COPYs the events is the worker's busiest resource
 * (about 2.5 ms of a batch's commit per record at 30,000 events/s, nearly all of it the round
 * trip to that session). Measured against the embedded server (2026-12-07, 20,000 rows of a
 * synthetic match into `game_events` with its indexes, six rounds each): the server spent
 * 150-180 ms of CPU on the binary COPY against 180-220 ms on the same rows as text, its wall time
 * 160-186 against 193-204 ms; in the 10-minute soak a commit took 2.52 ms per record against
 * 2.61 ms with text (docs/write-path.md). The text format it replaced is `copy-text.ts` in the
 * history before it.
 */
import { storedFormJson } from '../../domain/events/index.ts';
import type { EnrichedEvent } from '../../domain/match/index.ts';
import type { EncodedEvents } from '../../ports/index.ts';
import { dayStart } from './partitions.ts';

/** The columns of each row, in order. */
export const EVENT_COLUMNS =
  'ts, server_id, session, seq, idx, match_id, round_number, type, phase, is_post_round, match_tag, flags, payload';

/** Fields per row (the columns above). */
const FIELDS = EVENT_COLUMNS.split(',').length;

/** What precedes the rows: the signature `PGCOPY\n\377\r\n\0`, then the flags and the header extension's length (both 0). */
export const COPY_BINARY_HEADER: Uint8Array = Uint8Array.from(
  Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]),
);

/** What follows the last row: a field count of -1. */
export const COPY_BINARY_TRAILER: Uint8Array = Uint8Array.of(0xff, 0xff);

/** `timestamptz` counts microseconds from 2000-01-01 UTC. */
const POSTGRES_EPOCH_MS = Date.UTC(2000, 0, 1);
const TWO_TO_32 = 2 ** 32;
/** The furthest a JavaScript `Date` reaches either side of 1970, in ms. */
const DATE_RANGE_MS = 8.64e15;
/** `jsonb`'s binary input: a version byte (1), then the JSON text. */
const JSONB_VERSION = 1;

export class CopyBinaryWriter {
  private buffer: Buffer;
  private length = 0;

  constructor(initialBytes = 1 << 16) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  private room(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.length + bytes, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  /** A row's field count. */
  row(fields: number): void {
    this.room(2);
    this.length = this.buffer.writeInt16BE(fields, this.length);
  }

  null(): void {
    this.room(4);
    this.length = this.buffer.writeInt32BE(-1, this.length);
  }

  /** A `text` field (null: a null field). */
  text(value: string | null): void {
    if (value === null) {
      this.null();
      return;
    }
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    this.room(4 + value.length * 3);
    const written = this.buffer.write(value, this.length + 4, 'utf8');
    this.buffer.writeInt32BE(written, this.length);
    this.length += 4 + written;
  }

  /** A `jsonb` field from JSON text (null: a null field). */
  jsonb(json: string | null): void {
    if (json === null) {
      this.null();
      return;
    }
    this.room(5 + json.length * 3);
    this.buffer[this.length + 4] = JSONB_VERSION;
    const written = this.buffer.write(json, this.length + 5, 'utf8');
    this.buffer.writeInt32BE(1 + written, this.length);
    this.length += 5 + written;
  }

  boolean(value: boolean): void {
    this.room(5);
    this.length = this.buffer.writeInt32BE(1, this.length);
    this.buffer[this.length++] = value ? 1 : 0;
  }

  /** An `integer` field; anything but an integer PostgreSQL's `integer` holds is an error. */
  int4(value: number): void {
    if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31)
      throw new RangeError(`not an integer column value: ${value}`);
    this.room(8);
    this.length = this.buffer.writeInt32BE(4, this.length);
    this.length = this.buffer.writeInt32BE(value, this.length);
  }

  /** A `bigint` field; anything but a safe integer is an error. */
  int8(value: number): void {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not a bigint column value: ${value}`);
    this.room(12);
    this.length = this.buffer.writeInt32BE(8, this.length);
    this.writeInt64(value);
  }

  /** A `timestamptz` field from epoch milliseconds (whole milliseconds, as `Date` keeps them). */
  timestamptz(epochMs: number): void {
    const ms = Math.trunc(epochMs);
    if (!(Math.abs(ms) <= DATE_RANGE_MS)) throw new RangeError(`not a time: ${epochMs}`);
    this.room(12);
    this.length = this.buffer.writeInt32BE(8, this.length);
    this.writeInt64((ms - POSTGRES_EPOCH_MS) * 1000);
  }

  /** A safe integer as a big-endian two's-complement 64-bit integer. */
  private writeInt64(value: number): void {
    const high = Math.floor(value / TWO_TO_32);
    this.length = this.buffer.writeInt32BE(high, this.length);
    this.length = this.buffer.writeUInt32BE(value - high * TWO_TO_32, this.length);
  }

  /** The bytes written so far (a view, valid until the next write). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

/** A batch's events as binary COPY rows (no header or trailer), with the days their partitions must cover. */
export class CopyEncodedEvents implements EncodedEvents {
  constructor(
    readonly count: number,
    /** The rows, in pieces: each batch extension adds its own, none is copied again. */
    readonly bodies: readonly Uint8Array[],
    readonly days: readonly number[],
  ) {}

  /**
   * These events, then `more` (rows are self-delimiting: the bodies one after the other). The
   * bytes are not copied: a batch extended record by record would otherwise copy its rows once
   * per extension.
   */
  concat(more: CopyEncodedEvents): CopyEncodedEvents {
    return new CopyEncodedEvents(
      this.count + more.count,
      [...this.bodies, ...more.bodies],
      [...new Set([...this.days, ...more.days])],
    );
  }

  /** What a COPY … (FORMAT binary) reads: the header, the rows, the trailer. */
  chunks(): Uint8Array[] {
    return [COPY_BINARY_HEADER, ...this.bodies, COPY_BINARY_TRAILER];
  }
}

function writeRow(
  copy: CopyBinaryWriter,
  { key, event, enrichment }: EnrichedEvent,
  payloadJson: string,
): void {
  const { kill, unknownType, excluded, voidsRoundsFrom } = enrichment;
  const flags =
    kill || unknownType || excluded || voidsRoundsFrom !== undefined
      ? JSON.stringify({ kill, unknownType, excluded, voidsRoundsFrom })
      : null;
  copy.row(FIELDS);
  copy.timestamptz(event.ts);
  copy.text(key.server);
  copy.text(key.session);
  copy.int8(key.seq);
  copy.int4(key.index);
  copy.text(enrichment.matchId);
  copy.int4(enrichment.roundNumber);
  copy.text(event.type);
  copy.text(enrichment.phase);
  copy.boolean(enrichment.isPostRound);
  copy.text(enrichment.matchTag);
  copy.jsonb(flags);
  copy.jsonb(payloadJson);
}

/** `events` as binary COPY rows; `eventJson[i]`, when given, is `storedFormJson(events[i].event)`. */
export function encodeEventsAsCopy(
  events: readonly EnrichedEvent[],
  eventJson?: readonly string[],
): CopyEncodedEvents {
  const copy = new CopyBinaryWriter(Math.max(1 << 16, events.length * 1_024));
  const days = new Set<number>();
  events.forEach((e, i) => {
    writeRow(copy, e, eventJson?.[i] ?? storedFormJson(e.event));
    days.add(dayStart(e.event.ts));
  });
  // A copy of exactly the bytes written, so the growing buffer can be dropped.
  return new CopyEncodedEvents(events.length, [Uint8Array.prototype.slice.call(copy.bytes())], [...days]);
}
