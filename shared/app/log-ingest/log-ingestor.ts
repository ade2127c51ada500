/**
 * The log-ingest use case: one `POST /v1/logs/{serverId}/{token}` body of a CS2 server's HTTP log
 * stream (`logaddress_add_http`) to plugin-style frames on the raw stream.
 *
 * Bodies of one server are parsed in order, from the parser state the last body left (a line or
 * a `JSON_BEGIN … JSON_END` block cut between bodies is reassembled), and written through the
 * channel outbox ({@link IngestChannels}): the 200 is sent once the frames are on the stream.
 *
 * A resent body is recognised, so a retry after a lost answer is acknowledged without parsing it
 * twice. CS2 names every body by the bytes of its log it holds (`X-LogBytes-BeginOffset` /
 * `X-LogBytes-EndOffset`, per server instance `X-Server-Instance-Token`) and sends a range again
 * until it gets a 200, so a body ending at or before the last offset stored is a resend, one that
 * overlaps it is cut to its new bytes.
 *
 * CS2 may send bodies concurrently, so one can arrive before the body that precedes it. A body
 * that starts after the last offset stored is held in the channel record (saved with it: at most
 * {@link MAX_HELD_BODIES} bodies and {@link MAX_HELD_BYTES} bytes per server) and answered 200;
 * it is applied, in offset order, when the body that fills the gap comes. Beyond the bound a
 * body ahead is refused with a retriable {@link LogBodyAheadError} (503: CS2 sends it again),
 * never acknowledged and lost. Only when bodies have been held longer than
 * {@link LogIngestorDeps.maxHoldMs} are the missing bytes taken as dropped by the server: the
 * held bodies are applied from there (the line cut by the gap is counted malformed).
 *
 * A sender without those headers (a relay) is recognised by the hashes of its recent bodies
 * ({@link RECENT_HASHES} per server, saved with the channel), so a body seen before is a
 * duplicate whatever came in between.
 */
import { createHash } from 'node:crypto';
import { LogStreamParser, type LogStreamState } from '../../domain/cs2-log/index.ts';
import type { GameEvent } from '../../domain/events/index.ts';
import type { IngestChannelRecord, Logger, Metrics } from '../../ports/index.ts';
import { PipelineError } from '../../ports/index.ts';
import type { ChannelDecision, IngestChannels } from './ingest-channels.ts';

/** One POST body and what CS2 says about it in its headers. */
export interface LogBody {
  serverId: string;
  body: Uint8Array;
  /** `X-Server-Instance-Token`: one per server process. */
  instance?: string | null;
  /** `X-LogBytes-BeginOffset`: where the body starts in the instance's log. */
  beginOffset?: number | null;
  /** `X-LogBytes-EndOffset`: where it ends. */
  endOffset?: number | null;
}

export type LogIngestResult =
  | {
      status: 'accepted';
      /** Frames put on the stream (0 when the body held no complete event yet). */
      frames: number;
      events: number;
      /** Lines read, by outcome (malformed and unknown lines are counted, never fatal). */
      lines: number;
      malformed: number;
      unknown: number;
      /** The body started after the last byte received: the server dropped some of its log. */
      gap: boolean;
      /** The body came ahead of the one before it: it is saved, and applied when the gap fills. */
      held?: boolean;
    }
  /** The body (or all of it) was already applied: acknowledged, nothing done. */
  | { status: 'duplicate' };

/** Most bodies held per server while they wait for the bytes before them. */
export const MAX_HELD_BODIES = 8;
/** Most bytes held per server (the bodies are saved in the channel record). */
export const MAX_HELD_BYTES = 1 << 20;
/** Hashes of the recent bodies of a sender without offsets, kept to recognise a resend. */
export const RECENT_HASHES = 256;
const DEFAULT_MAX_HOLD_MS = 60_000;

/** A body that came ahead of the bytes before it (plain JSON: it is part of the channel state). */
interface HeldBody {
  begin: number;
  end: number;
  /** The body's bytes, base64. */
  body: string;
  /** When it was first held (epoch ms). */
  heldAt: number;
}

/** What the channel remembers about the stream between bodies. */
interface LogChannelState {
  parser: LogStreamState;
  /** An incomplete UTF-8 sequence at the end of the last body (base64), completed by the next. */
  carry: string;
  /** Bodies ahead of {@link LogPosition.offset}, in `begin` order (absent in older records). */
  held?: HeldBody[];
}

interface LogPosition {
  instance: string | null;
  /** End offset of the last body applied, in the instance's log. */
  offset: number | null;
  /** SHA-256 of the last body applied (hex). */
  bodyHash: string;
  /** Without offsets: hashes (hex, first 32) of the recent bodies, oldest first (absent in older records). */
  recentHashes?: string[];
}

/** Bytes to parse, and whether bytes are missing before them (what spanned the break ends). */
interface Segment {
  bytes: Uint8Array;
  gap: boolean;
}

/** A body ahead of the bytes before it, with no room left to hold it: the server sends it again. */
export class LogBodyAheadError extends PipelineError {
  constructor(serverId: string, beginOffset: number, expected: number) {
    super(
      'LOG_BODY_AHEAD',
      `log body of ${serverId} starts at byte ${beginOffset}, bytes from ${expected} have not come yet; send it again later`,
      true,
    );
    this.name = 'LogBodyAheadError';
  }
}

function heldBody(begin: number, end: number, body: Uint8Array, heldAt: number): HeldBody {
  return { begin, end, body: Buffer.from(body).toString('base64'), heldAt };
}

/** In offset order; of two that begin together, the longer first. */
function sortHeld(held: HeldBody[]): HeldBody[] {
  return held.sort((a, b) => a.begin - b.begin || b.end - a.end);
}

/** The held bodies that follow `offset` without a break, applied (cut to their new bytes). */
function drainHeld(
  held: readonly HeldBody[],
  offset: number,
): { segments: Segment[]; offset: number; held: HeldBody[] } {
  const segments: Segment[] = [];
  const left = [...held];
  while (left[0] !== undefined && left[0].begin <= offset) {
    const next = left.shift()!;
    if (next.end <= offset) continue;
    const bytes = Buffer.from(next.body, 'base64');
    segments.push({ bytes: bytes.subarray(Math.min(bytes.length, offset - next.begin)), gap: false });
    offset = next.end;
  }
  return { segments, offset, held: left };
}

export interface LogIngestorDeps {
  channels: IngestChannels;
  logger: Logger;
  metrics: Metrics;
  /** The servers' local time minus UTC, in minutes (log times are local; default 0). */
  utcOffsetMinutes?: number;
  clock?: () => number;
  /** A log session idle this long starts a new frame session (default 24 h). */
  sessionIdleMs?: number;
  /**
   * How long a body ahead is held before the bytes before it are taken as dropped by the server
   * (default 60 s; checked when the next body comes).
   */
  maxHoldMs?: number;
}

const DEFAULT_SESSION_IDLE_MS = 24 * 3_600_000;
const decoder = new TextDecoder('utf-8');

export class LogIngestor {
  private readonly now: () => number;

  constructor(private readonly deps: LogIngestorDeps) {
    this.now = deps.clock ?? Date.now;
  }

  /**
   * Applies one body of an authenticated server.
   *
   * @throws UnavailableError, ChannelConflictError (retriable: the server sends the body again)
   */
  async ingest(input: LogBody): Promise<LogIngestResult> {
    const bodyHash = createHash('sha256').update(input.body).digest('hex');
    const outcome = await this.deps.channels.run(input.serverId, 'cs2-log', (record) =>
      this.decide(record, input, bodyHash),
    );
    const { result } = outcome;
    const { metrics, logger } = this.deps;
    if (result.status === 'accepted' && result.held === true) {
      metrics.count('log_held_bodies');
      logger.info('log body ahead of the bytes before it; held until they come', {
        serverId: input.serverId,
        beginOffset: input.beginOffset,
        endOffset: input.endOffset,
      });
      return result;
    }
    if (result.status === 'duplicate') {
      metrics.count('log_duplicate_bodies');
      logger.info('log body already applied', { serverId: input.serverId, endOffset: input.endOffset });
      return result;
    }
    metrics.count('log_bodies');
    metrics.count('log_lines', result.lines);
    if (result.malformed > 0) metrics.count('log_malformed_lines', result.malformed);
    if (result.unknown > 0) metrics.count('log_unknown_lines', result.unknown);
    if (result.gap) {
      metrics.count('log_gaps');
      logger.warn('log bytes missing before this body', {
        serverId: input.serverId,
        beginOffset: input.beginOffset,
      });
    }
    return { ...result, frames: outcome.frames };
  }

  /** What this body does to the channel (no I/O: the channel runs it under its lock). */
  private decide(
    record: IngestChannelRecord,
    input: LogBody,
    bodyHash: string,
  ): ChannelDecision<LogIngestResult> {
    const position = record.position as LogPosition | null;
    const saved = record.state as LogChannelState | null;
    const instance = input.instance?.trim() || null;
    const begin = input.beginOffset ?? null;
    const end = input.endOffset ?? null;
    const ranged = instance !== null && begin !== null && end !== null && end >= begin;
    const shortHash = bodyHash.slice(0, 32);
    const duplicate: ChannelDecision<LogIngestResult> = {
      kind: 'unchanged',
      result: { status: 'duplicate' },
    };
    let held = saved?.held ?? [];
    const segments: Segment[] = [];
    let offset: number | null = ranged ? end : null;
    let restarted = false;
    if (ranged && position?.instance === instance && position.offset !== null) {
      if (end <= position.offset) return duplicate;
      let first: Segment;
      let from: number;
      if (begin > position.offset) {
        if (held.some((h) => h.begin === begin && h.end >= end)) return duplicate;
        const incoming = heldBody(begin, end, input.body, this.now());
        const heldSince = Math.min(...held.map((h) => h.heldAt));
        if (held.length === 0 || this.now() - heldSince <= (this.deps.maxHoldMs ?? DEFAULT_MAX_HOLD_MS)) {
          const heldBytes = held.reduce((n, h) => n + (h.end - h.begin), 0);
          if (held.length >= MAX_HELD_BODIES || heldBytes + input.body.length > MAX_HELD_BYTES)
            throw new LogBodyAheadError(input.serverId, begin, position.offset);
          return this.hold(record, saved, sortHeld([...held, incoming]));
        }
        // Held too long: the bytes before them are not coming (the server dropped them). Go on
        // from the first body after the gap; what lies beyond another gap stays held.
        const [earliest = incoming, ...rest] = sortHeld([...held, incoming]);
        first = { bytes: Buffer.from(earliest.body, 'base64'), gap: true };
        from = earliest.end;
        held = rest;
      } else {
        first = {
          bytes: input.body.subarray(Math.min(input.body.length, position.offset - begin)),
          gap: false,
        };
        from = end;
      }
      const drained = drainHeld(held, from);
      segments.push(first, ...drained.segments);
      held = drained.held;
      offset = drained.offset;
    } else if (ranged && position !== null && position.instance !== instance) {
      restarted = true;
      // Bodies the old process sent ahead of a gap that will never fill now: applied as they are.
      for (const [index, h] of held.entries())
        segments.push({ bytes: Buffer.from(h.body, 'base64'), gap: index === 0 });
      held = [];
      segments.push({ bytes: input.body, gap: true });
    } else if (
      !ranged &&
      (position?.bodyHash === bodyHash || position?.recentHashes?.includes(shortHash) === true)
    ) {
      return duplicate;
    } else {
      segments.push({ bytes: input.body, gap: false });
    }

    const parser =
      saved === null
        ? new LogStreamParser({ utcOffsetMinutes: this.deps.utcOffsetMinutes ?? 0 })
        : LogStreamParser.fromJSON(saved.parser);
    const before = parser.stats();
    const events: GameEvent[] = [];
    let carry: Uint8Array = saved === null ? new Uint8Array(0) : Buffer.from(saved.carry, 'base64');
    for (const segment of segments) {
      if (segment.gap) {
        // What spanned the break (a cut line, an open block, a held kill) ends here.
        events.push(...parser.flush());
        carry = new Uint8Array(0);
      }
      const bytes = carry.length === 0 ? segment.bytes : Buffer.concat([carry, segment.bytes]);
      const complete = completeUtf8Length(bytes);
      events.push(...parser.push(decoder.decode(bytes.subarray(0, complete))));
      carry = bytes.subarray(complete);
    }
    const after = parser.stats();

    const idle =
      record.updatedAt > 0 &&
      this.now() - record.updatedAt > (this.deps.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS);
    const state: LogChannelState = {
      parser: parser.toJSON(),
      carry: Buffer.from(carry).toString('base64'),
      ...(held.length > 0 ? { held } : {}),
    };
    const nextPosition: LogPosition = {
      instance,
      offset,
      bodyHash,
      // Only a sender without offsets needs them (a ranged body is known by its offsets).
      ...(ranged
        ? {}
        : { recentHashes: [...(position?.recentHashes ?? []), shortHash].slice(-RECENT_HASHES) }),
    };
    return {
      kind: 'advance',
      state,
      position: nextPosition,
      events,
      // A new server process starts a new log session, as a plugin's boot does; so does a long
      // silence (the worker forgets sessions idle for days).
      newSession: restarted || idle,
      result: {
        status: 'accepted',
        frames: 0,
        events: events.length,
        lines: after.lines - before.lines,
        malformed: after.malformed - before.malformed,
        unknown: after.unknown - before.unknown,
        gap: segments.some((segment) => segment.gap) && !restarted,
      },
    };
  }

  /** Saves bodies ahead of the bytes before them in the channel state; nothing else changes. */
  private hold(
    record: IngestChannelRecord,
    saved: LogChannelState | null,
    held: HeldBody[],
  ): ChannelDecision<LogIngestResult> {
    const state: LogChannelState = {
      parser:
        saved?.parser ?? new LogStreamParser({ utcOffsetMinutes: this.deps.utcOffsetMinutes ?? 0 }).toJSON(),
      carry: saved?.carry ?? '',
      held,
    };
    return {
      kind: 'advance',
      state,
      position: record.position,
      events: [],
      result: {
        status: 'accepted',
        frames: 0,
        events: 0,
        lines: 0,
        malformed: 0,
        unknown: 0,
        gap: false,
        held: true,
      },
    };
  }
}

/** Length of the longest prefix of `bytes` that ends on a UTF-8 character boundary. */
export function completeUtf8Length(bytes: Uint8Array): number {
  const length = bytes.length;
  // Walk back over at most three continuation bytes to the start of the last character.
  for (let back = 1; back <= Math.min(4, length); back++) {
    const byte = bytes[length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? length - back : length;
  }
  return length;
}
