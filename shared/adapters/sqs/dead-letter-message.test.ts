import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../ports/index.ts';
import {
  decodeDeadLetter,
  encodeDeadLetter,
  MAX_REASON_CHARS,
  SQS_MAX_MESSAGE_BYTES,
} from './dead-letter-message.ts';

const letter = (payload: Uint8Array, reason = 'not MessagePack'): DeadLetter => ({
  stream: 'raw-game-events',
  shard: 'shardId-000000000000',
  position: '49654',
  partitionKey: 'server-1',
  payload,
  code: 'BAD_MSGPACK',
  reason,
  failedAt: 1_700_000_000_000,
});

describe('encodeDeadLetter / decodeDeadLetter', () => {
  it('round-trips a letter: payload in the body, code and reason as attributes', () => {
    // Prepare
    const original = letter(new Uint8Array([0xc1, 0x00, 0xff]));

    // Act
    const message = encodeDeadLetter(original);
    const decoded = decodeDeadLetter(message.body, message.attributes);

    // Assess
    expect(JSON.parse(message.body)).toMatchObject({ payload: 'wQD/', position: '49654', truncated: false });
    expect(message.attributes).toEqual({ code: 'BAD_MSGPACK', reason: 'not MessagePack' });
    expect(decoded).toEqual({ ok: true, value: { letter: original, truncated: false, payloadBytes: 3 } });
  });

  it('truncates a payload so body and attributes fit the SQS limit, and says so', () => {
    // Prepare
    const payload = new Uint8Array(300 * 1024).fill(7);

    // Act
    const message = encodeDeadLetter(letter(payload));
    const decoded = decodeDeadLetter(message.body, message.attributes);

    // Assess
    expect(message.truncated).toBe(true);
    expect(message.size).toBeLessThanOrEqual(SQS_MAX_MESSAGE_BYTES);
    expect(message.size).toBeGreaterThan(SQS_MAX_MESSAGE_BYTES - 8);
    if (!decoded.ok) throw new Error(decoded.problem);
    expect(decoded.value.truncated).toBe(true);
    expect(decoded.value.payloadBytes).toBe(payload.byteLength);
    const kept = decoded.value.letter.payload;
    expect(Buffer.from(kept).equals(Buffer.from(payload.subarray(0, kept.byteLength)))).toBe(true);
  });

  it('keeps a payload that fits exactly whole', () => {
    // Prepare: find the largest payload that still fits a small limit.
    const limit = 2_000;
    const fits = (n: number) => !encodeDeadLetter(letter(new Uint8Array(n)), limit).truncated;
    let size = 0;
    while (fits(size + 1)) size += 1;

    // Act
    const message = encodeDeadLetter(letter(new Uint8Array(size)), limit);
    const over = encodeDeadLetter(letter(new Uint8Array(size + 1)), limit);

    // Assess
    expect(message.truncated).toBe(false);
    expect(message.size).toBeLessThanOrEqual(limit);
    expect(over.truncated).toBe(true);
    expect(over.size).toBeLessThanOrEqual(limit);
  });

  it('shortens a long reason and replaces characters SQS refuses', () => {
    // Prepare
    const long = letter(new Uint8Array(1), `bad\u0000frame ${'x'.repeat(10_000)}`);

    // Act
    const message = encodeDeadLetter(long);

    // Assess
    expect(message.attributes.reason).toHaveLength(MAX_REASON_CHARS);
    expect(message.attributes.reason.startsWith('bad\uFFFDframe x')).toBe(true);
    expect(message.attributes.reason.endsWith('…')).toBe(true);
  });

  it('never sends an empty attribute', () => {
    // Act
    const message = encodeDeadLetter({ ...letter(new Uint8Array(1), ''), code: '' });

    // Assess
    expect(message.attributes).toEqual({ code: 'UNKNOWN', reason: '(no reason given)' });
  });

  it('reports a message it did not write instead of throwing', () => {
    // Act
    const notJson = decodeDeadLetter('{"requestContext"', {});
    const foreign = decodeDeadLetter('{"requestContext":{"condition":"RetryAttemptsExhausted"}}', {});

    // Assess
    expect(notJson).toEqual({ ok: false, problem: 'body is not JSON' });
    expect(foreign).toEqual({ ok: false, problem: 'body is not a geqo.dead-letter.v1 message' });
  });
});
