import { describe, expect, it } from 'vitest';
import type { KinesisEvent, KinesisEventRecord } from '../../functions/lib/stream-event.ts';
import { kinesisEvent, sequenceNumber } from '../../functions/test/factories.ts';
import {
  type BatchRunContext,
  DEFAULT_MAPPING_SETTINGS,
  type EventSourceMappingSettings,
  emptyStats,
  type KinesisFunction,
  type KinesisOnFailureRecord,
  readBatchResponse,
  runEventSourceBatch,
} from './event-source-batch.ts';

const SHARD = 'shardId-000000000000';
const STREAM_ARN = 'arn:aws:kinesis:eu-central-1:123456789012:stream/raw-game-events';
const FUNCTION_ARN = 'arn:aws:lambda:eu-central-1:123456789012:function:geqo-worker';

/** `count` records of one shard; record i says `r<i>` and arrived at 1_700_000_000_000 + i ms. */
function shardRecords(count: number): KinesisEventRecord[] {
  return kinesisEvent(
    Array.from({ length: count }, (_, i) => ({ data: `r${i}`, partitionKey: 'srv_0123456789ab' })),
  ).Records;
}

/** What a fake function saw: the record labels of each invocation. */
const labelsOf = (event: KinesisEvent) =>
  event.Records.map((record) => Buffer.from(record.kinesis.data, 'base64').toString('utf8'));

/** A fake function that records every batch and answers what `answer` says. */
function fakeFunction(answer: (labels: string[], call: number) => unknown) {
  const calls: string[][] = [];
  const invoke: KinesisFunction = async (event) => {
    const labels = labelsOf(event);
    calls.push(labels);
    return answer(labels, calls.length);
  };
  return { invoke, calls };
}

function context(invoke: KinesisFunction, settings: Partial<EventSourceMappingSettings> = {}) {
  const checkpoints: string[] = [];
  const discarded: KinesisOnFailureRecord[] = [];
  const delays: number[] = [];
  let stopAfterSleeps = Number.POSITIVE_INFINITY;
  const ctx: BatchRunContext = {
    settings: { ...DEFAULT_MAPPING_SETTINGS, ...settings },
    shardId: SHARD,
    streamArn: STREAM_ARN,
    functionArn: FUNCTION_ARN,
    invoke,
    checkpoint: (sequence) => void checkpoints.push(sequence),
    onFailure: { send: async (record) => void discarded.push(record) },
    stats: emptyStats(),
    retryDelayMs: 100,
    sleep: async (ms) => void delays.push(ms),
    stopping: () => delays.length >= stopAfterSleeps,
    now: () => Date.UTC(2026, 1, 9, 12, 0, 0),
    newRequestId: () => 'request-1',
  };
  return {
    ctx,
    checkpoints,
    discarded,
    delays,
    stopAfter: (sleeps: number) => {
      stopAfterSleeps = sleeps;
    },
  };
}

const seq = sequenceNumber;
const failed = (...indexes: number[]) => ({
  batchItemFailures: indexes.map((i) => ({ itemIdentifier: seq(i) })),
});

describe('event source mapping rules for one Kinesis batch', () => {
  it('hands the whole batch over once and checkpoints past it when the function succeeds', async () => {
    // Prepare
    const fn = fakeFunction(() => ({ batchItemFailures: [] }));
    const run = context(fn.invoke, { reportBatchItemFailures: true });
    // Act
    const result = await runEventSourceBatch(shardRecords(3), run.ctx);
    // Assess
    expect(result).toBe('completed');
    expect(fn.calls).toEqual([['r0', 'r1', 'r2']]);
    expect(run.checkpoints).toEqual([seq(2)]);
    expect(run.ctx.stats).toMatchObject({ invocations: 1, retries: 0, handledRecords: 3 });
  });

  it('checkpoints before the first failed item and retries from it on a partial failure', async () => {
    // Prepare: r3 and r2 fail on the first call (reported out of order), everything passes after.
    const fn = fakeFunction((_labels, call) => (call === 1 ? failed(3, 2) : {}));
    const run = context(fn.invoke, { reportBatchItemFailures: true, maximumRetryAttempts: 3 });
    // Act
    const result = await runEventSourceBatch(shardRecords(5), run.ctx);
    // Assess: the lowest failed sequence number is where the retry starts.
    expect(result).toBe('completed');
    expect(fn.calls).toEqual([
      ['r0', 'r1', 'r2', 'r3', 'r4'],
      ['r2', 'r3', 'r4'],
    ]);
    expect(run.checkpoints).toEqual([seq(1), seq(4)]);
    expect(run.delays).toEqual([100]);
    expect(run.ctx.stats).toMatchObject({ partialFailures: 1, retries: 1, handledRecords: 5 });
  });

  it('ignores batchItemFailures when the mapping does not report batch item failures', async () => {
    // Prepare
    const fn = fakeFunction(() => failed(0));
    const run = context(fn.invoke, { reportBatchItemFailures: false });
    // Act
    await runEventSourceBatch(shardRecords(2), run.ctx);
    // Assess
    expect(fn.calls).toHaveLength(1);
    expect(run.checkpoints).toEqual([seq(1)]);
  });

  it('retries the whole batch when the answer names no record of it', async () => {
    // Prepare: an unknown sequence number, then an empty identifier, then success.
    const answers = [failed(99), { batchItemFailures: [{ itemIdentifier: '' }] }, null];
    const fn = fakeFunction((_labels, call) => answers[call - 1]);
    const run = context(fn.invoke, { reportBatchItemFailures: true, maximumRetryAttempts: 5 });
    // Act
    await runEventSourceBatch(shardRecords(2), run.ctx);
    // Assess
    expect(fn.calls).toEqual([
      ['r0', 'r1'],
      ['r0', 'r1'],
      ['r0', 'r1'],
    ]);
    expect(run.checkpoints).toEqual([seq(1)]);
  });

  it('bisects a failing batch down to the poison record, retries it, then discards only it', async () => {
    // Prepare: the function throws whenever r5 is in its batch.
    const fn = fakeFunction((labels) => {
      if (labels.includes('r5')) throw new Error('cannot handle r5');
      return {};
    });
    const run = context(fn.invoke, {
      bisectBatchOnFunctionError: true,
      reportBatchItemFailures: true,
      maximumRetryAttempts: 2,
    });
    // Act
    const result = await runEventSourceBatch(shardRecords(8), run.ctx);
    // Assess: halves until r5 is alone (splits use no retries), then two retries, then on.
    expect(result).toBe('completed');
    expect(fn.calls).toEqual([
      ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'],
      ['r0', 'r1', 'r2', 'r3'],
      ['r4', 'r5', 'r6', 'r7'],
      ['r4', 'r5'],
      ['r4'],
      ['r5'],
      ['r5'],
      ['r5'],
      ['r6', 'r7'],
    ]);
    expect(run.checkpoints).toEqual([seq(3), seq(4), seq(5), seq(7)]);
    expect(run.discarded.map((record) => record.KinesisBatchInfo)).toEqual([
      expect.objectContaining({ startSequenceNumber: seq(5), endSequenceNumber: seq(5), batchSize: 1 }),
    ]);
    expect(run.ctx.stats).toMatchObject({
      invocations: 9,
      functionErrors: 6,
      bisections: 3,
      retries: 2,
      discardedBatches: 1,
      discardedRecords: 1,
      handledRecords: 7,
    });
  });

  it('sends only the batch metadata to the on-failure destination once the retries are spent', async () => {
    // Prepare: a function that always throws, no bisect.
    const fn = fakeFunction(() => {
      throw new Error('database unreachable');
    });
    const run = context(fn.invoke, { maximumRetryAttempts: 2 });
    const records = shardRecords(3);
    // Act
    const result = await runEventSourceBatch(records, run.ctx);
    // Assess: three invocations (one plus two retries), then the shard moves past the batch.
    expect(result).toBe('completed');
    expect(fn.calls).toHaveLength(3);
    expect(run.checkpoints).toEqual([seq(2)]);
    expect(run.discarded).toEqual([
      {
        requestContext: {
          requestId: 'request-1',
          functionArn: FUNCTION_ARN,
          condition: 'RetryAttemptsExhausted',
          approximateInvokeCount: 3,
        },
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        version: '1.0',
        timestamp: '2026-02-09T12:00:00.000Z',
        KinesisBatchInfo: {
          shardId: SHARD,
          startSequenceNumber: seq(0),
          endSequenceNumber: seq(2),
          approximateArrivalOfFirstRecord: new Date(1_700_000_000_000).toISOString(),
          approximateArrivalOfLastRecord: new Date(1_700_000_000_002).toISOString(),
          batchSize: 3,
          streamArn: STREAM_ARN,
        },
      },
    ]);
    expect(JSON.stringify(run.discarded)).not.toContain(records[0]!.kinesis.data);
    expect(run.ctx.stats).toMatchObject({ retries: 2, discardedBatches: 1, handledRecords: 0 });
  });

  it('discards the rest of a batch whose partial failures outlast the retries', async () => {
    // Prepare: r1 fails every time.
    const fn = fakeFunction(() => failed(1));
    const run = context(fn.invoke, { reportBatchItemFailures: true, maximumRetryAttempts: 1 });
    // Act
    await runEventSourceBatch(shardRecords(3), run.ctx);
    // Assess: r0 is done at the first answer; r1..r2 go to the destination without a function error.
    expect(fn.calls).toEqual([
      ['r0', 'r1', 'r2'],
      ['r1', 'r2'],
    ]);
    expect(run.checkpoints).toEqual([seq(0), seq(2)]);
    expect(run.discarded[0]?.KinesisBatchInfo).toMatchObject({
      startSequenceNumber: seq(1),
      endSequenceNumber: seq(2),
      batchSize: 2,
    });
    expect(run.discarded[0]?.responseContext).not.toHaveProperty('functionError');
  });

  it('stops retrying when the mapping stops, leaving the checkpoint before the unhandled records', async () => {
    // Prepare: retries forever (-1) and a stop after the second pause.
    const fn = fakeFunction(() => failed(1));
    const run = context(fn.invoke, { reportBatchItemFailures: true, maximumRetryAttempts: -1 });
    run.stopAfter(2);
    // Act
    const result = await runEventSourceBatch(shardRecords(3), run.ctx);
    // Assess
    expect(result).toBe('stopped');
    expect(fn.calls).toHaveLength(2);
    expect(run.checkpoints).toEqual([seq(0)]);
    expect(run.discarded).toEqual([]);
  });

  it('discards records older than MaximumRecordAgeInSeconds to the on-failure destination, without invoking them', async () => {
    // Prepare: records 0 and 1 are 60,002 and 60,001 ms old, record 2 exactly 60 s.
    const fn = fakeFunction(() => ({ batchItemFailures: [] }));
    const run = context(fn.invoke, { maximumRecordAgeInSeconds: 60, reportBatchItemFailures: true });
    run.ctx.now = () => 1_700_000_000_000 + 60_002;

    // Act
    const result = await runEventSourceBatch(shardRecords(5), run.ctx);

    // Assess
    expect(result).toBe('completed');
    expect(fn.calls).toEqual([['r2', 'r3', 'r4']]);
    expect(run.discarded).toHaveLength(1);
    expect(run.discarded[0]).toMatchObject({
      requestContext: { condition: 'RecordAgeExceeded' },
      KinesisBatchInfo: { startSequenceNumber: seq(0), endSequenceNumber: seq(1), batchSize: 2 },
    });
    expect(run.checkpoints.at(-1)).toBe(seq(4));
  });
});

describe('readBatchResponse', () => {
  it.each([
    ['nothing', undefined, { kind: 'success' }],
    ['null', null, { kind: 'success' }],
    ['an empty list', { batchItemFailures: [] }, { kind: 'success' }],
    ['a null list', { batchItemFailures: null }, { kind: 'success' }],
    ['a list that is not one', { batchItemFailures: 'r1' }, { kind: 'partial', from: 0 }],
    ['a null identifier', { batchItemFailures: [{ itemIdentifier: null }] }, { kind: 'partial', from: 0 }],
    ['a bad key name', { batchItemFailures: [{ itemId: seq(1) }] }, { kind: 'partial', from: 0 }],
    ['two failures', failed(2, 1), { kind: 'partial', from: 1 }],
  ])('reads %s', (_name, answer, expected) => {
    // Act
    const outcome = readBatchResponse(answer, shardRecords(3));
    // Assess
    expect(outcome).toEqual(expected);
  });
});
