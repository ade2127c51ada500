import type { ReceivedDeadLetter } from '@geqo/shared/adapters/sqs';
import type { DeadLetter } from '@geqo/shared/ports';
import { describe, expect, it } from 'vitest';
import { RecordingLogger } from '../test/doubles.ts';
import { SqsDeadLetterQueue } from './sqs-dead-letter-queue.ts';

const letter = (n: number): DeadLetter => ({
  stream: 'raw-game-events',
  shard: 'shardId-000000000000',
  position: String(n),
  partitionKey: 'srv_0123456789ab',
  payload: new Uint8Array([n]),
  code: 'SCHEMA',
  reason: 'bad event',
  failedAt: 0,
});

const received = (n: number, truncated = false): ReceivedDeadLetter => ({
  messageId: `m-${n}`,
  receiptHandle: `r-${n}`,
  receiveCount: 1,
  kind: 'dead-letter',
  letter: letter(n),
  truncated,
  payloadBytes: 1,
});

const other = (n: number): ReceivedDeadLetter => ({
  messageId: `m-${n}`,
  receiptHandle: `r-${n}`,
  receiveCount: 1,
  kind: 'other',
  body: '{"requestContext":{}}',
  problem: 'not a dead letter',
});

function reader(batches: ReceivedDeadLetter[][]) {
  const deleted: string[] = [];
  return {
    deleted,
    receive: async () => batches.shift() ?? [],
    delete: async (messages: readonly Pick<ReceivedDeadLetter, 'receiptHandle'>[]) => {
      deleted.push(...messages.map((m) => m.receiptHandle));
    },
  };
}

describe('SqsDeadLetterQueue', () => {
  it('hands out whole letters and skips truncated ones and foreign messages, leaving them queued', async () => {
    // Prepare
    const source = reader([
      [other(1), received(2, true)],
      [received(3), other(4)],
    ]);
    const logger = new RecordingLogger();
    const queue = new SqsDeadLetterQueue(source, logger);
    // Act
    const letters = await queue.receive(10);
    await queue.remove(letters);
    // Assess
    expect(letters.map((l) => [l.receipt, l.partitionKey, [...l.payload], l.code])).toEqual([
      ['r-3', 'srv_0123456789ab', [3], 'SCHEMA'],
    ]);
    expect(source.deleted).toEqual(['r-3']);
    expect(logger.lines.filter((l) => l.message === 'dead letter skipped')).toHaveLength(3);
  });

  it('reports an empty queue as no letters', async () => {
    const queue = new SqsDeadLetterQueue(reader([]), new RecordingLogger());
    expect(await queue.receive(10)).toEqual([]);
  });
});
