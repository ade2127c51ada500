/**
 * How a dead letter is laid out as an SQS message (the `raw-game-events-dlq` queue).
 *
 * Body (JSON, UTF-8):
 *   { "format": "geqo.dead-letter.v1", "stream", "shard", "position", "partitionKey",
 *     "failedAt": epoch ms, "payloadBytes": size of the original payload,
 *     "truncated": whether `payload` holds only its first bytes, "payload": base64 }
 * Message attributes (String): `code` (stable error code), `reason` (at most 4,096 characters).
 *
 * SQS takes at most 256 KiB per message, body and attributes together. A payload too large for
 * that keeps its first bytes and `truncated: true`; `payloadBytes` tells how big it was. A
 * truncated letter can be read and diagnosed but not replayed as it was.
 */
import type { DeadLetter } from '../../ports/index.ts';

export const DEAD_LETTER_FORMAT = 'geqo.dead-letter.v1';
/** SQS's message size limit (reference/aws-limits.md). */
export const SQS_MAX_MESSAGE_BYTES = 256 * 1024;
export const MAX_REASON_CHARS = 4_096;

export interface DeadLetterMessage {
  body: string;
  attributes: { code: string; reason: string };
  /** Bytes SQS counts for this message: body plus attribute names, types and values. */
  size: number;
  truncated: boolean;
}

interface DeadLetterBody {
  format: typeof DEAD_LETTER_FORMAT;
  stream: string;
  shard: string;
  position: string;
  partitionKey: string;
  failedAt: number;
  payloadBytes: number;
  truncated: boolean;
  payload: string;
}

/** Builds the SQS message of a dead letter, truncating the payload to fit `maxBytes`. */
export function encodeDeadLetter(letter: DeadLetter, maxBytes = SQS_MAX_MESSAGE_BYTES): DeadLetterMessage {
  // SQS refuses an empty String attribute.
  const reason = letter.reason || '(no reason given)';
  const attributes = {
    code: sqsText(letter.code || 'UNKNOWN'),
    reason: sqsText(reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS - 1)}…` : reason),
  };
  const attributeBytes = Object.entries(attributes).reduce(
    (sum, [name, value]) => sum + utf8(name) + utf8('String') + utf8(value),
    0,
  );
  const bodyOf = (payload: Uint8Array, truncated: boolean): string =>
    JSON.stringify({
      format: DEAD_LETTER_FORMAT,
      stream: letter.stream,
      shard: letter.shard,
      position: letter.position,
      partitionKey: letter.partitionKey,
      failedAt: letter.failedAt,
      payloadBytes: letter.payload.byteLength,
      truncated,
      payload: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('base64'),
    } satisfies DeadLetterBody);

  let body = bodyOf(letter.payload, false);
  let truncated = false;
  if (utf8(body) + attributeBytes > maxBytes) {
    // Everything but the payload, then as many payload bytes as their base64 leaves room for.
    const frame = utf8(bodyOf(new Uint8Array(), true)) + attributeBytes;
    const base64Room = Math.max(0, maxBytes - frame);
    const keep = Math.floor(base64Room / 4) * 3;
    body = bodyOf(letter.payload.subarray(0, keep), true);
    truncated = true;
  }
  return { body, attributes, size: utf8(body) + attributeBytes, truncated };
}

/** A dead letter read back from SQS, with what the sink recorded about its payload. */
export interface DecodedDeadLetter {
  letter: DeadLetter;
  truncated: boolean;
  /** Size of the original payload (larger than `letter.payload` when truncated). */
  payloadBytes: number;
}

export type DecodeResult = { ok: true; value: DecodedDeadLetter } | { ok: false; problem: string };

/**
 * Reads a message written by {@link encodeDeadLetter}. Anything else on the queue (for instance
 * the event source mapping's batch-metadata records) is reported, not thrown.
 */
export function decodeDeadLetter(
  body: string,
  attributes: { code?: string | undefined; reason?: string | undefined },
): DecodeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, problem: 'body is not JSON' };
  }
  if (!isDeadLetterBody(parsed)) return { ok: false, problem: `body is not a ${DEAD_LETTER_FORMAT} message` };
  return {
    ok: true,
    value: {
      letter: {
        stream: parsed.stream,
        shard: parsed.shard,
        position: parsed.position,
        partitionKey: parsed.partitionKey,
        payload: new Uint8Array(Buffer.from(parsed.payload, 'base64')),
        code: attributes.code ?? 'UNKNOWN',
        reason: attributes.reason ?? '',
        failedAt: parsed.failedAt,
      },
      truncated: parsed.truncated,
      payloadBytes: parsed.payloadBytes,
    },
  };
}

function isDeadLetterBody(value: unknown): value is DeadLetterBody {
  if (typeof value !== 'object' || value === null) return false;
  const body = value as Record<string, unknown>;
  return (
    body.format === DEAD_LETTER_FORMAT &&
    ['stream', 'shard', 'position', 'partitionKey', 'payload'].every(
      (field) => typeof body[field] === 'string',
    ) &&
    typeof body.failedAt === 'number' &&
    typeof body.payloadBytes === 'number' &&
    typeof body.truncated === 'boolean'
  );
}

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * SQS accepts only the XML character range in bodies and attributes (#x9, #xA, #xD, #x20–#xD7FF,
 * #xE000–#xFFFD, #x10000–#x10FFFF): a reason quoting a bad frame may hold anything else.
 */
function sqsText(text: string): string {
  return text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD');
}
