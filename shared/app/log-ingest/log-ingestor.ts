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
 * overlaps it is cut to its new bytes, and one starting after it means the server dropped bytes
 * (the line cut by the gap is counted malformed). A sender without those headers (a relay) is
 * recognised by the hash of its last body instead.
 */
import { createHash } from 'node:crypto';
import { LogStreamParser, type LogStreamState } from '../../domain/cs2-log/index.ts';
import type { GameEvent } from '../../domain/events/index.ts';
import type { Logger, Metrics } from '../../ports/index.ts';
import type { IngestChannelRecord } from './ingest-channel-store.ts';
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
    }
  /** The body (or all of it) was already applied: acknowledged, nothing done. */
  | { status: 'duplicate' };

/** What the channel remembers about the stream between bodies. */
interface LogChannelState {
  parser: LogStreamState;
  /** An incomplete UTF-8 sequence at the end of the last body (base64), completed by the next. */
  carry: string;
}

interface LogPosition {
  instance: string | null;
  /** End offset of the last body applied, in the instance's log. */
  offset: number | null;
  /** SHA-256 of the last body applied (hex). */
  bodyHash: string;
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
    const instance = input.instance?.trim() || null;
    const begin = input.beginOffset ?? null;
    const end = input.endOffset ?? null;
    const ranged = instance !== null && begin !== null && end !== null && end >= begin;
    let body = input.body;
    let gap = false;
    let restarted = false;
    if (ranged && position?.instance === instance && position.offset !== null) {
      if (end <= position.offset) return { kind: 'unchanged', result: { status: 'duplicate' } };
      if (begin < position.offset) body = body.subarray(Math.min(body.length, position.offset - begin));
      else if (begin > position.offset) gap = true;
    } else if (ranged && position !== null && position.instance !== instance) {
      restarted = true;
    } else if (!ranged && position?.bodyHash === bodyHash) {
      return { kind: 'unchanged', result: { status: 'duplicate' } };
    }

    const saved = record.state as LogChannelState | null;
    const parser =
      saved === null
        ? new LogStreamParser({ utcOffsetMinutes: this.deps.utcOffsetMinutes ?? 0 })
        : LogStreamParser.fromJSON(saved.parser);
    const before = parser.stats();
    const events: GameEvent[] = [];
    let carry = saved === null ? new Uint8Array(0) : Buffer.from(saved.carry, 'base64');
    if (gap || restarted) {
      // What spanned the break (a cut line, an open block, a held kill) ends here.
      events.push(...parser.flush());
      carry = new Uint8Array(0);
    }
    const bytes = carry.length === 0 ? body : Buffer.concat([carry, body]);
    const complete = completeUtf8Length(bytes);
    events.push(...parser.push(decoder.decode(bytes.subarray(0, complete))));
    const after = parser.stats();

    const idle =
      record.updatedAt > 0 &&
      this.now() - record.updatedAt > (this.deps.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS);
    const state: LogChannelState = {
      parser: parser.toJSON(),
      carry: Buffer.from(bytes.subarray(complete)).toString('base64'),
    };
    const nextPosition: LogPosition = { instance, offset: ranged ? end : null, bodyHash };
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
        gap,
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
