import {
  QueueDoesNotExist,
  type SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../ports/index.ts';
import { SqsDeadLetterSink } from './sqs-dead-letter-sink.ts';

const letter = (n: number, bytes = 1): DeadLetter => ({
  stream: 'raw-game-events',
  shard: 'shardId-000000000000',
  position: String(n),
  partitionKey: 'server-1',
  payload: new Uint8Array(bytes),
  code: 'SCHEMA',
  reason: `letter ${n}`,
  failedAt: 0,
});

type Failure = { id: string; senderFault: boolean };

/** Keeps what each SendMessageBatch carried (by position) and fails entries as scripted. */
function scriptedSqs(script: (attempt: number, ids: string[]) => Failure[] | Error = () => []) {
  const calls: string[][] = [];
  const kept: string[] = [];
  return {
    calls,
    kept,
    send: async (command: SendMessageBatchCommand): Promise<SendMessageBatchCommandOutput> => {
      const entries = command.input.Entries ?? [];
      calls.push(entries.map((entry) => JSON.parse(entry.MessageBody ?? '{}').position));
      const outcome = script(
        calls.length,
        entries.map((entry) => entry.Id ?? ''),
      );
      if (outcome instanceof Error) throw outcome;
      const failedIds = new Set(outcome.map((failure) => failure.id));
      for (const entry of entries) {
        if (!failedIds.has(entry.Id ?? '')) kept.push(JSON.parse(entry.MessageBody ?? '{}').position);
      }
      return {
        Successful: entries
          .filter((entry) => !failedIds.has(entry.Id ?? ''))
          .map((entry) => ({ Id: entry.Id, MessageId: `m-${entry.Id}`, MD5OfMessageBody: '' })),
        Failed: outcome.map((failure) => ({
          Id: failure.id,
          SenderFault: failure.senderFault,
          Code: failure.senderFault ? 'InvalidParameterValue' : 'InternalError',
          Message: 'scripted',
        })),
        $metadata: {},
      };
    },
  };
}

const noSleep = { sleep: async () => {} };

describe('SqsDeadLetterSink', () => {
  it('sends batches of at most 10 messages', async () => {
    // Prepare
    const sqs = scriptedSqs();
    const sink = new SqsDeadLetterSink(sqs, 'queue', noSleep);

    // Act
    await sink.send(Array.from({ length: 23 }, (_, n) => letter(n)));

    // Assess
    expect(sqs.calls.map((call) => call.length)).toEqual([10, 10, 3]);
    expect(sqs.kept).toHaveLength(23);
  });

  it('starts a new batch before the batch would pass 256 KiB', async () => {
    // Prepare: three letters of about 100 KiB of base64 each.
    const sqs = scriptedSqs();
    const sink = new SqsDeadLetterSink(sqs, 'queue', noSleep);

    // Act
    await sink.send([letter(1, 75_000), letter(2, 75_000), letter(3, 75_000)]);

    // Assess
    expect(sqs.calls).toEqual([['1', '2'], ['3']]);
  });

  it('resends only the entries SQS failed on its side', async () => {
    // Prepare
    const sqs = scriptedSqs((attempt) => (attempt === 1 ? [{ id: '1', senderFault: false }] : []));
    const sink = new SqsDeadLetterSink(sqs, 'queue', noSleep);

    // Act
    await sink.send([letter(0), letter(1), letter(2)]);

    // Assess
    expect(sqs.calls).toEqual([['0', '1', '2'], ['1']]);
    expect(sqs.kept.sort()).toEqual(['0', '1', '2']);
  });

  it('rejects at once when SQS says an entry is the sender’s fault', async () => {
    // Prepare
    const sqs = scriptedSqs(() => [{ id: '0', senderFault: true }]);
    const sink = new SqsDeadLetterSink(sqs, 'queue', noSleep);

    // Act
    const outcome = sink.send([letter(0)]);

    // Assess
    await expect(outcome).rejects.toMatchObject({ code: 'DEAD_LETTER_WRITE', retriable: false });
    expect(sqs.calls).toHaveLength(1);
  });

  it('gives up after the bounded attempts with a retriable error', async () => {
    // Prepare
    const sqs = scriptedSqs(() => [{ id: '0', senderFault: false }]);
    const sink = new SqsDeadLetterSink(sqs, 'queue', {
      ...noSleep,
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    });

    // Act
    const outcome = sink.send([letter(0)]);

    // Assess
    await expect(outcome).rejects.toMatchObject({ code: 'DEAD_LETTER_WRITE', retriable: true });
    expect(sqs.calls).toHaveLength(3);
  });

  it('does not retry a missing queue', async () => {
    // Prepare
    const missing = new QueueDoesNotExist({ message: 'no queue', $metadata: { httpStatusCode: 400 } });
    const sqs = scriptedSqs(() => missing);
    const sink = new SqsDeadLetterSink(sqs, 'queue', noSleep);

    // Act
    const outcome = sink.send([letter(0)]);

    // Assess
    await expect(outcome).rejects.toMatchObject({ retriable: false, cause: missing });
    expect(sqs.calls).toHaveLength(1);
  });
});
