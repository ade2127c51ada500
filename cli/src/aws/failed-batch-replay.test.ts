import { describe, expect, it } from 'vitest';
import { rangeOfFailureMessage } from './failed-batch-replay.ts';

describe('rangeOfFailureMessage', () => {
  it('takes the stream name from the ARN and the shard range from KinesisBatchInfo', () => {
    // Prepare
    const body = JSON.stringify({
      KinesisBatchInfo: {
        shardId: 'shardId-000000000003',
        startSequenceNumber: '4968',
        endSequenceNumber: '4970',
        batchSize: 3,
        streamArn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/raw-game-events',
      },
    });

    // Act
    const parsed = rangeOfFailureMessage(body);

    // Assess
    expect(parsed).toEqual({
      range: {
        stream: 'raw-game-events',
        shardId: 'shardId-000000000003',
        startSequenceNumber: '4968',
        endSequenceNumber: '4970',
      },
      batchSize: 3,
    });
  });

  it.each([
    ['text that is not JSON', 'nope', 'not JSON'],
    ['JSON null', 'null', 'no KinesisBatchInfo'],
    ['a dead letter of the worker', '{"format":"geqo-dead-letter/1"}', 'no KinesisBatchInfo'],
    [
      'a sequence number that is not one',
      '{"KinesisBatchInfo":{"shardId":"s","startSequenceNumber":"1; drop","endSequenceNumber":"2","streamArn":"arn:aws:kinesis:r:1:stream/x"}}',
      'KinesisBatchInfo without a stream ARN, shard id or sequence numbers',
    ],
  ])('names no range for %s', (_, body, problem) => {
    expect(rangeOfFailureMessage(body)).toEqual({ problem });
  });
});
