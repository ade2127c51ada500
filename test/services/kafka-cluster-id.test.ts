import { describe, expect, it } from 'vitest';
import { kafkaClusterId } from './kafka-broker.ts';

describe('kafkaClusterId', () => {
  it('never starts with "-", which the storage tool would read as an option (a CI failure: one id in 64 did)', () => {
    // 0xf8 as the first byte gives a base64url id that starts with "-".
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x41)];
    const id = kafkaClusterId(() => draws.shift() ?? Buffer.alloc(16, 0x42));
    expect(Buffer.alloc(16, 0xf8).toString('base64url').startsWith('-')).toBe(true);
    expect(id).toBe(Buffer.alloc(16, 0x41).toString('base64url'));
    for (let i = 0; i < 2_000; i++) expect(kafkaClusterId()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});
