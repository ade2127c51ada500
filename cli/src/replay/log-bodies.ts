/**
 * Cuts a CS2 log into the POST bodies a server's `logaddress_add_http` would send: whole lines,
 * a few at a time, each body named by the byte range of the log it holds (CS2's
 * `X-LogBytes-BeginOffset` / `X-LogBytes-EndOffset`). A body holds lines of one timestamp only
 * (the server sends what it logged since the last body), at most `maxLines` lines and
 * `maxBytes` bytes; a single longer line is a body of its own.
 */
import { type LogLinePrefix, readLogLinePrefix } from '@geqo/shared/domain/cs2-log';

export interface LogBody {
  /** Byte range of the log: `[begin, end)`. */
  begin: number;
  end: number;
  /** Time of the body's first line (epoch ms), or of the last line before it that had one. */
  sourceTs: number | null;
  lines: number;
}

export interface LogBodyOptions {
  maxBytes: number;
  maxLines: number;
  /** The server's local time minus UTC, in minutes (only the gaps between times matter here). */
  utcOffsetMinutes?: number;
}

export const DEFAULT_LOG_BODY_OPTIONS: LogBodyOptions = { maxBytes: 4 * 1024, maxLines: 32 };

const NEWLINE = 0x0a;

/** The bodies of `log`, in order, covering every byte once. */
export function planLogBodies(
  log: Uint8Array,
  options: LogBodyOptions = DEFAULT_LOG_BODY_OPTIONS,
): LogBody[] {
  const bodies: LogBody[] = [];
  const prefix: LogLinePrefix = { ts: 0, bodyStart: 0 };
  const decoder = new TextDecoder('utf-8');
  let current: LogBody | null = null;
  let lastTs: number | null = null;
  let start = 0;
  while (start < log.length) {
    const newline = log.indexOf(NEWLINE, start);
    const end = newline < 0 ? log.length : newline + 1;
    // The timestamp is in the first 30 bytes of a line.
    const head = decoder.decode(log.subarray(start, Math.min(end, start + 40)));
    const ts = readLogLinePrefix(head, options.utcOffsetMinutes ?? 0, prefix) ? prefix.ts : null;
    const full =
      current !== null &&
      (current.lines >= options.maxLines ||
        end - current.begin > options.maxBytes ||
        (ts !== null && current.sourceTs !== null && ts !== current.sourceTs));
    if (current === null || full) {
      if (current !== null) bodies.push(current);
      current = { begin: start, end, sourceTs: ts ?? lastTs, lines: 1 };
    } else {
      current.end = end;
      current.lines++;
    }
    if (ts !== null) lastTs = ts;
    start = end;
  }
  if (current !== null) bodies.push(current);
  return bodies;
}
