/**
 * `geqo replay --format cs2-log`: POSTs a CS2 log to `/v1/logs/{serverId}/{token}` as the server's
 * `logaddress_add_http` would, body after body, each with CS2's headers (`X-Server-Instance-Token`,
 * `X-LogBytes-BeginOffset`, `X-LogBytes-EndOffset`), paced by the log's own times or at full speed.
 *
 * Like the server, it sends a body again until it gets a 200: on a 5xx, a 429 or a connection
 * error it waits (exponential, with jitter) and resends the *same* body, so Geqo recognises the
 * resend. A 401 stops the replay: the token is wrong and no retry can fix it.
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_LOG_BODY_OPTIONS, type LogBody, type LogBodyOptions, planLogBodies } from './log-bodies.ts';

/** The server refused the token (401/403). */
export class LogReplayAuthError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'LogReplayAuthError';
  }
}

/** A body was refused for good (another 4xx), or kept failing past the retry budget. */
export class LogReplayError extends Error {
  constructor(
    readonly body: LogBody,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LogReplayError';
  }
}

export interface LogReplayOptions {
  /** The HTTP API, e.g. `http://localhost:8080`. */
  url: string;
  serverId: string;
  /** The server token (`<serverId>.<secret>`). */
  token: string;
  /** Multiple of the log's real time, or `max`. */
  speed: number | 'max';
  /** `X-Server-Instance-Token` (default: a new one, as a server boot has; reuse one to resend a log). */
  instance?: string;
  bodies?: Partial<LogBodyOptions>;
  /** Sends of one body before giving up (default 30). */
  maxAttempts?: number;
  /** First wait before a resend (ms, default 100), doubling up to `maxBackoffMs` (default 5,000). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** After each acknowledged body. */
  onBody?: (progress: { bodies: number; totalBodies: number; bytes: number; totalBytes: number }) => void;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface LogReplayResult {
  bodies: number;
  bytes: number;
  lines: number;
  /** Bodies sent again after a 5xx or a connection error. */
  retries: number;
  /** Bodies the server already had (it answered `duplicate`). */
  duplicates: number;
  /** Events the server reported for the bodies. */
  events: number;
  instance: string;
  elapsedMs: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Replays `log` (the bytes of a CS2 log file) into Geqo's log route. */
export async function replayLog(log: Uint8Array, options: LogReplayOptions): Promise<LogReplayResult> {
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const instance = options.instance ?? randomBytes(8).toString('hex');
  const plan = planLogBodies(log, { ...DEFAULT_LOG_BODY_OPTIONS, ...options.bodies });
  const endpoint = `${options.url.replace(/\/+$/, '')}/v1/logs/${encodeURIComponent(options.serverId)}/${encodeURIComponent(options.token)}`;
  const started = now();
  const firstTs = plan.find((body) => body.sourceTs !== null)?.sourceTs ?? null;
  const result: LogReplayResult = {
    bodies: 0,
    bytes: 0,
    lines: 0,
    retries: 0,
    duplicates: 0,
    events: 0,
    instance,
    elapsedMs: 0,
  };

  for (const body of plan) {
    if (options.speed !== 'max' && firstTs !== null && body.sourceTs !== null) {
      const due = started + (body.sourceTs - firstTs) / options.speed;
      const wait = due - now();
      if (wait > 0) await sleep(wait);
    }
    const answer = await sendWithRetries(doFetch, sleep, endpoint, log, body, instance, options, result);
    result.bodies++;
    result.bytes += body.end - body.begin;
    result.lines += body.lines;
    if (answer.status === 'duplicate') result.duplicates++;
    result.events += typeof answer.events === 'number' ? answer.events : 0;
    options.onBody?.({
      bodies: result.bodies,
      totalBodies: plan.length,
      bytes: result.bytes,
      totalBytes: log.length,
    });
  }
  result.elapsedMs = now() - started;
  return result;
}

async function sendWithRetries(
  doFetch: typeof fetch,
  sleep: (ms: number) => Promise<void>,
  endpoint: string,
  log: Uint8Array,
  body: LogBody,
  instance: string,
  options: LogReplayOptions,
  result: LogReplayResult,
): Promise<{ status?: unknown; events?: unknown }> {
  const maxAttempts = options.maxAttempts ?? 30;
  let backoff = options.backoffMs ?? 100;
  const maxBackoff = options.maxBackoffMs ?? 5_000;
  for (let attempt = 1; ; attempt++) {
    let failure: string;
    let cause: unknown;
    try {
      const response = await doFetch(endpoint, {
        method: 'POST',
        headers: {
          'Content-Type': 'text/plain; charset=utf-8',
          'X-Server-Instance-Token': instance,
          'X-LogBytes-BeginOffset': String(body.begin),
          'X-LogBytes-EndOffset': String(body.end),
        },
        body: log.slice(body.begin, body.end),
      });
      const text = await response.text();
      if (response.ok) return parseAnswer(text);
      if (response.status === 401 || response.status === 403) {
        throw new LogReplayAuthError(
          response.status,
          `the server refused the token (${response.status}): ${text}`,
        );
      }
      if (response.status < 500 && response.status !== 429) {
        throw new LogReplayError(
          body,
          `body ${body.begin}-${body.end} refused (${response.status}): ${text}`,
        );
      }
      failure = `HTTP ${response.status}`;
    } catch (error) {
      if (error instanceof LogReplayAuthError || error instanceof LogReplayError) throw error;
      // fetch rejects with a TypeError on connection errors: the server may be restarting.
      failure =
        error instanceof Error
          ? error.cause instanceof Error
            ? error.cause.message
            : error.message
          : String(error);
      cause = error;
    }
    if (attempt >= maxAttempts) {
      throw new LogReplayError(
        body,
        `body ${body.begin}-${body.end} failed ${attempt} times; last: ${failure}`,
        { cause },
      );
    }
    result.retries++;
    await sleep(backoff / 2 + Math.random() * (backoff / 2));
    backoff = Math.min(maxBackoff, backoff * 2);
  }
}

function parseAnswer(text: string): { status?: unknown; events?: unknown } {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null
      ? (parsed as { status?: unknown; events?: unknown })
      : {};
  } catch {
    return {};
  }
}
