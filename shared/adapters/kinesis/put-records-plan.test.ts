import { describe, expect, it } from 'vitest';
import type { StreamRecord } from '../../ports/index.ts';
import { KINESIS_LIMITS, nextRequestSize, planResend, recordSize } from './put-records-plan.ts';

const record = (partitionKey: string, bytes = 1, label = ''): StreamRecord & { label: string } => ({
  partitionKey,
  data: new Uint8Array(bytes),
  label,
});
const ok = (n: number) => ({ SequenceNumber: String(n), ShardId: 'shardId-000000000000' });
const throttled = { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' };

describe('nextRequestSize', () => {
  it('takes at most 500 records', () => {
    // Prepare
    const records = Array.from({ length: 1_234 }, () => record('s'));

    // Act
    const size = nextRequestSize(records);

    // Assess
    expect(size).toBe(500);
  });

  it('stops before the record that would pass 5 MiB, counting partition keys', () => {
    // Prepare: 5 records of 1 MiB minus their 8-byte key fit exactly 5 MiB; the 6th does not.
    const key = 'server-1';
    const records = Array.from({ length: 7 }, () => record(key, 1024 * 1024 - 8));

    // Act
    const size = nextRequestSize(records);

    // Assess
    expect(recordSize(records[0]!)).toBe(KINESIS_LIMITS.maxBytesPerRecord);
    expect(size).toBe(5);
  });

  it('always takes at least one record', () => {
    // Prepare
    const limits = { ...KINESIS_LIMITS, maxBytesPerRequest: 10 };

    // Act
    const size = nextRequestSize([record('k', 50), record('k', 1)], limits);

    // Assess
    expect(size).toBe(1);
  });

  it('takes nothing from an empty list', () => {
    // Act
    const size = nextRequestSize([]);

    // Assess
    expect(size).toBe(0);
  });
});

describe('planResend', () => {
  it('accepts everything when no entry failed', () => {
    // Prepare
    const sent = [record('a', 1, 'a0'), record('b', 1, 'b0')];

    // Act
    const plan = planResend(sent, [ok(1), ok(2)]);

    // Assess
    expect(plan.accepted.map((r) => r.label)).toEqual(['a0', 'b0']);
    expect(plan.resend).toEqual([]);
    expect(plan.failed).toBe(0);
  });

  it('resends a failed entry and every later entry of its key, in the original order', () => {
    // Prepare: a0 fails, a1 and a2 succeed but must follow a0; b1 fails after b0 succeeded.
    const sent = [
      record('a', 1, 'a0'),
      record('b', 1, 'b0'),
      record('a', 1, 'a1'),
      record('b', 1, 'b1'),
      record('c', 1, 'c0'),
      record('a', 1, 'a2'),
      record('b', 1, 'b2'),
    ];
    const results = [throttled, ok(1), ok(2), { ErrorCode: 'InternalFailure' }, ok(3), ok(4), ok(5)];

    // Act
    const plan = planResend(sent, results);

    // Assess
    expect(plan.resend.map((r) => r.label)).toEqual(['a0', 'a1', 'b1', 'a2', 'b2']);
    expect(plan.accepted.map((r) => r.label)).toEqual(['b0', 'c0']);
    expect(plan.failed).toBe(2);
    expect(plan.firstError).toBe('ProvisionedThroughputExceededException: Rate exceeded');
  });

  it('counts an entry without a result as failed', () => {
    // Prepare
    const sent = [record('a', 1, 'a0'), record('a', 1, 'a1')];

    // Act
    const plan = planResend(sent, [ok(1)]);

    // Assess
    expect(plan.accepted.map((r) => r.label)).toEqual(['a0']);
    expect(plan.resend.map((r) => r.label)).toEqual(['a1']);
    expect(plan.firstError).toBe('no result for the entry');
  });
});
