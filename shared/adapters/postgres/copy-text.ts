/**
 * `game_events` rows in PostgreSQL's COPY text format, the fastest way to load many rows: one
 * line per row, columns separated by tabs, `\N` for null, and backslash, tab, newline and
 * carriage return escaped. Lines are written straight into a growing buffer (no array of lines,
 * no join, no second encoding), so a 10,000-row batch does not hold megabytes of strings.
 */
import { storedFormJson } from '../../domain/events/index.ts';
import type { EnrichedEvent } from '../../domain/match/index.ts';
import type { EncodedEvents } from '../../ports/index.ts';
import { dayStart } from './partitions.ts';

/** The columns of each line, in order. */
export const EVENT_COLUMNS =
  'ts, server_id, session, seq, idx, match_id, round_number, type, phase, is_post_round, match_tag, flags, payload';

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** A text value in COPY's format. */
export function copyText(value: string | null): string {
  if (value === null) return '\\N';
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

/** JSON text never holds a raw tab, newline or return (JSON escapes them): only backslashes need doubling. */
export function copyJson(value: string): string {
  return value.includes('\\') ? value.replaceAll('\\', '\\\\') : value;
}

export class CopyTextBuffer {
  private buffer: Buffer;
  private length = 0;

  constructor(initialBytes = 1 << 20) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** Appends one line (already escaped, ending in `\n`). */
  line(text: string): void {
    const room = this.buffer.length - this.length;
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (text.length * 3 > room) {
      const needed = this.length + text.length * 3;
      const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  /** The bytes written so far (a view, valid until the next write). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

/** A batch's events as COPY text, with the days their partitions must cover. */
export class CopyEncodedEvents implements EncodedEvents {
  constructor(
    readonly count: number,
    readonly body: Uint8Array,
    readonly days: readonly number[],
  ) {}

  /** These events, then `more` (COPY text is lines: the two bodies one after the other). */
  concat(more: CopyEncodedEvents): CopyEncodedEvents {
    const body = new Uint8Array(this.body.byteLength + more.body.byteLength);
    body.set(this.body);
    body.set(more.body, this.body.byteLength);
    return new CopyEncodedEvents(this.count + more.count, body, [...new Set([...this.days, ...more.days])]);
  }
}

function copyLine({ key, event, enrichment }: EnrichedEvent, payloadJson: string): string {
  const { kill, unknownType, excluded, voidsRoundsFrom } = enrichment;
  const flags =
    kill || unknownType || excluded || voidsRoundsFrom !== undefined
      ? JSON.stringify({ kill, unknownType, excluded, voidsRoundsFrom })
      : null;
  return `${new Date(event.ts).toISOString()}\t${copyText(key.server)}\t${copyText(key.session)}\t${key.seq}\t${key.index}\t${copyText(enrichment.matchId)}\t${enrichment.roundNumber}\t${copyText(event.type)}\t${enrichment.phase}\t${enrichment.isPostRound ? 't' : 'f'}\t${copyText(enrichment.matchTag)}\t${copyText(flags)}\t${copyJson(payloadJson)}\n`;
}

/** `events` as COPY text; `eventJson[i]`, when given, is `storedFormJson(events[i].event)`. */
export function encodeEventsAsCopy(
  events: readonly EnrichedEvent[],
  eventJson?: readonly string[],
): CopyEncodedEvents {
  const copy = new CopyTextBuffer(Math.max(1 << 16, events.length * 1_024));
  const days = new Set<number>();
  events.forEach((e, i) => {
    copy.line(copyLine(e, eventJson?.[i] ?? storedFormJson(e.event)));
    days.add(dayStart(e.event.ts));
  });
  // A copy of exactly the bytes written, so the growing buffer can be dropped.
  return new CopyEncodedEvents(events.length, Uint8Array.prototype.slice.call(copy.bytes()), [...days]);
}
