/**
 * `geqo aws replay-failures` as a user runs it (the real command in a child process) against
 * kinesis-local and local-aws-sqs: a batch the event source mapping parked in its on-failure queue
 * is read back from the stream and put on it again; a message that names no range stays queued.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { ReceiveMessageCommand, SendMessageCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createKinesisClient, KinesisRangeReader } from '@geqo/shared/adapters/kinesis';
import { createSqsClient } from '@geqo/shared/adapters/sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KinesisOnFailureRecord } from '../../../test/services/event-source-batch.ts';
import { type KinesisLocal, startKinesisLocal } from '../../../test/services/kinesis-local.ts';
import { type SqsLocal, startSqsLocal } from '../../../test/services/sqs-local.ts';
import { SqsOnFailureDestination } from '../../../test/services/sqs-on-failure-destination.ts';
import { uniqueName } from '../../../test/services/unique-name.ts';

const GEQO = resolve(import.meta.dirname, '../../../bin/geqo.mjs');
const SHARD = 'shardId-000000000000';

function onFailureRecord(
  stream: string,
  start: string,
  end: string,
  batchSize: number,
): KinesisOnFailureRecord {
  const at = new Date().toISOString();
  return {
    requestContext: {
      requestId: 'req-1',
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:geqo-worker',
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 3,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: at,
    KinesisBatchInfo: {
      shardId: SHARD,
      startSequenceNumber: start,
      endSequenceNumber: end,
      approximateArrivalOfFirstRecord: at,
      approximateArrivalOfLastRecord: at,
      batchSize,
      streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${stream}`,
    },
  };
}

describe('geqo aws replay-failures', () => {
  let kinesisLocal: KinesisLocal;
  let sqsLocal: SqsLocal;

  beforeAll(async () => {
    [kinesisLocal, sqsLocal] = await Promise.all([startKinesisLocal(), startSqsLocal()]);
  });

  afterAll(async () => {
    await Promise.all([kinesisLocal?.stop(), sqsLocal?.stop()]);
  });

  it('puts the records of a parked shard range back on the stream, in order, and deletes its message', async () => {
    // Prepare: five records on the stream, the middle three parked as a failed batch.
    const stream = uniqueName('raw');
    await kinesisLocal.createStream(stream, 1);
    const queueUrl = await sqsLocal.createQueue(uniqueName('batch-failures'));
    const kinesis = createKinesisClient({ endpoint: kinesisLocal.endpoint, region: kinesisLocal.region });
    const sqs = createSqsClient({ endpoint: sqsLocal.endpoint, region: sqsLocal.region });
    const originals = [1, 2, 3, 4, 5].map((n) => ({
      PartitionKey: `srv_${n % 2}`,
      Data: new TextEncoder().encode(`frame-${n}`),
    }));
    const put = await kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: originals }));
    const sequences = (put.Records ?? []).map((record) => record.SequenceNumber ?? '');
    const [first, , second, , fourth] = sequences;
    if (!first || !second || !fourth) throw new Error('kinesis-local answered no sequence numbers');
    await sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { VisibilityTimeout: '1' } }),
    );
    const destination = new SqsOnFailureDestination(sqs, queueUrl);
    await destination.send(onFailureRecord(stream, sequences[1] ?? '', sequences[3] ?? '', 3));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"not":"a batch"}' }));

    // Act
    const { stdout } = await promisify(execFile)(process.execPath, [
      GEQO,
      'aws',
      'replay-failures',
      '--queue-url',
      queueUrl,
      '--region',
      kinesisLocal.region,
      '--kinesis-endpoint',
      kinesisLocal.endpoint,
      '--sqs-endpoint',
      sqsLocal.endpoint,
      '--json',
    ]);

    // Assess
    const outcomes = stdout
      .trim()
      .split('\n')
      .map((text) => JSON.parse(text) as { status: string; records?: number });
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['replayed', 'unreadable']);
    expect(outcomes.find((outcome) => outcome.status === 'replayed')?.records).toBe(3);
    const onStream = await new KinesisRangeReader(kinesis).read({
      stream,
      shardId: SHARD,
      startSequenceNumber: first,
      endSequenceNumber: '9'.repeat(60),
    });
    const text = (data: Uint8Array) => new TextDecoder().decode(data);
    expect(onStream.map((record) => `${record.partitionKey}:${text(record.data)}`)).toEqual([
      'srv_1:frame-1',
      'srv_0:frame-2',
      'srv_1:frame-3',
      'srv_0:frame-4',
      'srv_1:frame-5',
      'srv_0:frame-2',
      'srv_1:frame-3',
      'srv_0:frame-4',
    ]);
    // The unreadable message is kept (visible again after its 1 s timeout), the replayed one is gone.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const left = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    expect((left.Messages ?? []).map((message) => message.Body)).toEqual(['{"not":"a batch"}']);
    kinesis.destroy();
    sqs.destroy();
  });
});
