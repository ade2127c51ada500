import { type SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SqsLocal, startSqsLocal } from '../../../test/services/sqs-local.ts';
import { uniqueName } from '../../../test/services/unique-name.ts';
import type { DeadLetter } from '../../ports/index.ts';
import { createSqsClient, type ReceivedDeadLetter, SqsDeadLetterReader, SqsDeadLetterSink } from './index.ts';

const letter = (n: number, payload: Uint8Array, reason = `frame ${n} is not MessagePack`): DeadLetter => ({
  stream: 'raw-game-events',
  shard: 'shardId-000000000001',
  position: `4960${n}`,
  partitionKey: `server-${n % 3}`,
  payload,
  code: 'BAD_MSGPACK',
  reason,
  failedAt: 1_700_000_000_000 + n,
});

async function receiveAll(reader: SqsDeadLetterReader, count: number): Promise<ReceivedDeadLetter[]> {
  const received: ReceivedDeadLetter[] = [];
  const deadline = Date.now() + 20_000;
  while (received.length < count && Date.now() < deadline) {
    received.push(
      ...(await reader.receive({ maxMessages: 10, waitSeconds: 1, visibilityTimeoutSeconds: 30 })),
    );
  }
  return received;
}

describe('SQS dead-letter sink against local-aws-sqs', () => {
  let sqs: SqsLocal;
  let client: SQSClient;

  beforeAll(async () => {
    sqs = await startSqsLocal();
    client = createSqsClient({ endpoint: sqs.endpoint, region: sqs.region });
  });

  afterAll(async () => {
    client?.destroy();
    await sqs?.stop();
  });

  it('keeps payload, position and reason of every letter, in batches of at most 10', async () => {
    // Prepare
    const queueUrl = await sqs.createQueue(uniqueName('raw-game-events-dlq'));
    const letters = Array.from({ length: 13 }, (_, n) => letter(n, new Uint8Array([0xc1, n, 0xff, 0x00])));
    const batchSizes: number[] = [];
    const counting = {
      send: (command: SendMessageBatchCommand) => {
        batchSizes.push(command.input.Entries?.length ?? 0);
        return client.send(command);
      },
    };
    const sink = new SqsDeadLetterSink(counting, queueUrl);
    const reader = new SqsDeadLetterReader(client, queueUrl);

    // Act
    await sink.send(letters);
    const received = await receiveAll(reader, letters.length);

    // Assess
    expect(batchSizes).toEqual([10, 3]);
    const decoded = received
      .map((message) => (message.kind === 'dead-letter' ? message : undefined))
      .filter((message) => message !== undefined)
      .sort((a, b) => a.letter.failedAt - b.letter.failedAt);
    expect(decoded.map((message) => message.letter)).toEqual(letters);
    expect(decoded.every((message) => !message.truncated && message.payloadBytes === 4)).toBe(true);
  });

  it('truncates a payload too large for SQS, flags it and keeps the reason as an attribute', async () => {
    // Prepare
    const queueUrl = await sqs.createQueue(uniqueName('raw-game-events-dlq'));
    const huge = new Uint8Array(400 * 1024).map((_, i) => i % 251);
    const awkwardReason = 'schema: field "type" is \u0000\u0007 not a string';
    const sink = new SqsDeadLetterSink(client, queueUrl);
    const reader = new SqsDeadLetterReader(client, queueUrl);

    // Act
    await sink.send([letter(1, huge), letter(2, new Uint8Array([1]), awkwardReason)]);
    const received = await receiveAll(reader, 2);

    // Assess
    const byPosition = new Map(
      received.flatMap((message) =>
        message.kind === 'dead-letter' ? [[message.letter.position, message] as const] : [],
      ),
    );
    const truncated = byPosition.get('49601');
    const odd = byPosition.get('49602');
    if (truncated?.kind !== 'dead-letter' || odd?.kind !== 'dead-letter')
      throw new Error('letters not decoded');
    expect(truncated.truncated).toBe(true);
    expect(truncated.payloadBytes).toBe(huge.byteLength);
    expect(truncated.letter.payload.byteLength).toBeGreaterThan(180 * 1024);
    const kept = Buffer.from(truncated.letter.payload);
    expect(kept.equals(Buffer.from(huge.subarray(0, kept.byteLength)))).toBe(true);
    expect(truncated.letter.code).toBe('BAD_MSGPACK');
    expect(odd.truncated).toBe(false);
    expect(odd.letter.reason).toBe('schema: field "type" is \uFFFD\uFFFD not a string');
  });

  it('deletes what was dealt with and reports messages it did not write', async () => {
    // Prepare
    const queueUrl = await sqs.createQueue(uniqueName('raw-game-events-dlq'));
    const sink = new SqsDeadLetterSink(client, queueUrl);
    const reader = new SqsDeadLetterReader(client, queueUrl);
    await sink.send([letter(1, new Uint8Array([9]))]);
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"requestContext":{}}' }));
    const received = await receiveAll(reader, 2);

    // Act
    await reader.delete(received);
    const afterDelete = await reader.receive({ waitSeconds: 0, visibilityTimeoutSeconds: 0 });

    // Assess
    expect(received.map((message) => message.kind).sort()).toEqual(['dead-letter', 'other']);
    expect(received.find((message) => message.kind === 'other')).toMatchObject({
      body: '{"requestContext":{}}',
      receiveCount: 1,
    });
    expect(afterDelete).toEqual([]);
  });
});
