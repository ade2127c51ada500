import {
  ProvisionedThroughputExceededException,
  type PutRecordsCommand,
  type PutRecordsCommandOutput,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import type { StreamRecord } from '../../ports/index.ts';
import { PipelineError } from '../../ports/index.ts';
import { KinesisStreamProducer } from './kinesis-stream-producer.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const rec = (partitionKey: string, label: string): StreamRecord => ({
  partitionKey,
  data: encoder.encode(label),
});

/** What one request attempt does: fail some entries (by index) or throw. */
type Script = (attempt: number, labels: string[]) => { fail?: number[]; throw?: Error };

/**
 * A stand-in for Kinesis that appends accepted entries to one log, like a shard would, and fails
 * entries or whole requests as its script says. Only for retry logic: the happy path runs against
 * kinesis-local in kinesis.int.test.ts.
 */
function scriptedKinesis(script: Script = () => ({})) {
  const log: string[] = [];
  const requests: string[][] = [];
  return {
    log,
    requests,
    send: async (command: PutRecordsCommand): Promise<PutRecordsCommandOutput> => {
      const labels = (command.input.Records ?? []).map((entry) => decoder.decode(entry.Data));
      requests.push(labels);
      const outcome = script(requests.length, labels);
      if (outcome.throw) throw outcome.throw;
      const failing = new Set(outcome.fail ?? []);
      const records = labels.map((label, index) => {
        if (failing.has(index)) {
          return {
            ErrorCode: 'ProvisionedThroughputExceededException',
            ErrorMessage: 'Rate exceeded for shard',
          };
        }
        log.push(label);
        return { SequenceNumber: String(log.length), ShardId: 'shardId-000000000000' };
      });
      return { FailedRecordCount: failing.size, Records: records, $metadata: {} };
    },
  };
}

/** Records `sleep` calls instead of waiting. */
function fakeSleep() {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

const throttled = () =>
  new ProvisionedThroughputExceededException({
    message: 'Rate exceeded',
    $metadata: { httpStatusCode: 400 },
  });

describe('KinesisStreamProducer retries', () => {
  it('resends only the failed entries and the later entries of their keys, keeping order per key', async () => {
    // Prepare: in the first request a1 fails while b0, a2 and c0 succeed.
    const kinesis = scriptedKinesis((attempt) => (attempt === 1 ? { fail: [1] } : {}));
    const { sleep, delays } = fakeSleep();
    const producer = new KinesisStreamProducer(kinesis, { sleep, random: () => 0.5 });
    const records = [rec('a', 'a0'), rec('a', 'a1'), rec('b', 'b0'), rec('a', 'a2'), rec('c', 'c0')];

    // Act
    await producer.put('raw', records);

    // Assess: a2 went in early, so it is sent again after a1; b0 and c0 are not sent again.
    expect(kinesis.requests).toEqual([
      ['a0', 'a1', 'b0', 'a2', 'c0'],
      ['a1', 'a2'],
    ]);
    expect(kinesis.log).toEqual(['a0', 'b0', 'a2', 'c0', 'a1', 'a2']);
    const lastOfA = kinesis.log.filter((label) => label.startsWith('a')).slice(-2);
    expect(lastOfA).toEqual(['a1', 'a2']);
    expect(delays).toEqual([50]);
  });

  it('sends resent entries ahead of later requests of the same put', async () => {
    // Prepare: 3 requests of 2 records; the first request's second entry fails once.
    const kinesis = scriptedKinesis((attempt) => (attempt === 1 ? { fail: [1] } : {}));
    const { sleep } = fakeSleep();
    const producer = new KinesisStreamProducer(kinesis, {
      sleep,
      limits: { maxRecordsPerRequest: 2, maxBytesPerRequest: 1_000, maxBytesPerRecord: 100 },
    });
    const records = ['k0', 'k1', 'k2', 'k3', 'k4'].map((label) => rec('k', label));

    // Act
    await producer.put('raw', records);

    // Assess
    expect(kinesis.requests).toEqual([
      ['k0', 'k1'],
      ['k1', 'k2'],
      ['k3', 'k4'],
    ]);
    expect(kinesis.log).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
  });

  it('retries a throttled request with growing back-off, then succeeds', async () => {
    // Prepare
    const kinesis = scriptedKinesis((attempt) => (attempt <= 3 ? { throw: throttled() } : {}));
    const { sleep, delays } = fakeSleep();
    const producer = new KinesisStreamProducer(kinesis, {
      sleep,
      random: () => 0.999,
      retry: { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 300 },
    });

    // Act
    await producer.put('raw', [rec('a', 'a0')]);

    // Assess: full jitter under ceilings of 100, 200, then capped at 300.
    expect(kinesis.log).toEqual(['a0']);
    expect(delays).toEqual([99, 199, 299]);
  });

  it('gives up after the bounded attempts with a retriable PipelineError', async () => {
    // Prepare: the entry of key a always fails.
    const kinesis = scriptedKinesis((_, labels) => ({ fail: [labels.indexOf('a0')] }));
    const { sleep, delays } = fakeSleep();
    const producer = new KinesisStreamProducer(kinesis, {
      sleep,
      retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 100 },
    });

    // Act
    const outcome = producer.put('raw', [rec('a', 'a0'), rec('b', 'b0')]);

    // Assess
    await expect(outcome).rejects.toMatchObject({
      name: 'PipelineError',
      code: 'STREAM_WRITE',
      retriable: true,
    });
    await expect(outcome).rejects.toThrow(/after 4 attempts \(ProvisionedThroughputExceededException/);
    expect(kinesis.requests).toHaveLength(4);
    expect(delays).toHaveLength(3);
    expect(kinesis.log).toEqual(['b0']);
  });

  it('does not retry an error no retry can fix', async () => {
    // Prepare
    const missing = new ResourceNotFoundException({ message: 'Stream raw not found', $metadata: {} });
    const kinesis = scriptedKinesis(() => ({ throw: missing }));
    const { sleep, delays } = fakeSleep();
    const producer = new KinesisStreamProducer(kinesis, { sleep });

    // Act
    const error = await producer.put('raw', [rec('a', 'a0')]).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(PipelineError);
    expect(error).toMatchObject({ retriable: false, cause: missing });
    expect(kinesis.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('never retries a programmer error', async () => {
    // Prepare
    const kinesis = scriptedKinesis(() => ({ throw: new TypeError('bad argument') }));
    const { sleep } = fakeSleep();
    const producer = new KinesisStreamProducer(kinesis, { sleep });

    // Act
    const outcome = producer.put('raw', [rec('a', 'a0')]);

    // Assess
    await expect(outcome).rejects.toMatchObject({ retriable: false });
    expect(kinesis.requests).toHaveLength(1);
  });
});

describe('KinesisStreamProducer batching', () => {
  it('groups puts made while a request is in flight into the next request, in put order', async () => {
    // Prepare
    const kinesis = scriptedKinesis();
    const producer = new KinesisStreamProducer(kinesis);

    // Act
    await Promise.all(['f0', 'f1', 'f2', 'f3'].map((label) => producer.put('raw', [rec('server', label)])));

    // Assess
    expect(kinesis.requests).toEqual([['f0'], ['f1', 'f2', 'f3']]);
    expect(kinesis.log).toEqual(['f0', 'f1', 'f2', 'f3']);
  });

  it('rejects a record over 1 MiB before sending anything', async () => {
    // Prepare
    const kinesis = scriptedKinesis();
    const producer = new KinesisStreamProducer(kinesis);
    const huge = { partitionKey: 'server', data: new Uint8Array(1024 * 1024) };

    // Act
    const outcome = producer.put('raw', [huge]);

    // Assess
    await expect(outcome).rejects.toMatchObject({ code: 'RECORD_TOO_LARGE', retriable: false });
    expect(kinesis.requests).toEqual([]);
  });

  it('waits for queued puts on close and refuses new ones', async () => {
    // Prepare
    const kinesis = scriptedKinesis();
    const producer = new KinesisStreamProducer(kinesis);
    const pending = producer.put('raw', [rec('a', 'a0')]);

    // Act
    await producer.close();
    const late = producer.put('raw', [rec('a', 'a1')]);

    // Assess
    await expect(pending).resolves.toBeUndefined();
    await expect(late).rejects.toMatchObject({ code: 'STREAM_CLOSED' });
    expect(kinesis.log).toEqual(['a0']);
  });
});
