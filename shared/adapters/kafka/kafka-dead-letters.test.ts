import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../ports/index.ts';
import { deadLetterTopicOf, decodeDeadLetterRecord, encodeDeadLetterRecord } from './kafka-dead-letters.ts';

const LETTER: DeadLetter = {
  stream: 'raw-game-events',
  shard: 'raw-game-events-3',
  position: '1207',
  partitionKey: 'srv_poison000001',
  payload: new Uint8Array([0x92, 0xc1, 0x00, 0xff]),
  code: 'BAD_MSGPACK',
  reason: 'byte 0xc1 is never used',
  failedAt: 1_780_000_000_123,
};

describe('dead letters on the Kafka DLQ topic', () => {
  it('names the topic after the raw stream', () => {
    expect(deadLetterTopicOf('raw-game-events')).toBe('raw-game-events-dlq');
  });

  it('keys a letter by its server and reads back every field, the payload byte for byte', () => {
    const record = encodeDeadLetterRecord(LETTER);
    expect(record.partitionKey).toBe('srv_poison000001');
    expect(decodeDeadLetterRecord(record.data)).toEqual(LETTER);
  });

  it('reads nothing from a value that is not a letter of this version', () => {
    const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    const valid = JSON.parse(new TextDecoder().decode(encodeDeadLetterRecord(LETTER).data)) as Record<
      string,
      unknown
    >;
    expect(decodeDeadLetterRecord(new TextEncoder().encode('not json'))).toBeNull();
    expect(decodeDeadLetterRecord(encode(null))).toBeNull();
    expect(decodeDeadLetterRecord(encode({ ...valid, v: 2 }))).toBeNull();
    expect(decodeDeadLetterRecord(encode({ ...valid, failedAt: '2026-01-01' }))).toBeNull();
    expect(decodeDeadLetterRecord(encode({ ...valid, payload: undefined }))).toBeNull();
  });
});
