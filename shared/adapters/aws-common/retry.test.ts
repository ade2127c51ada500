import { ProvisionedThroughputExceededException, ResourceNotFoundException } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { backoffDelay, isRetriableAwsError } from './retry.ts';

const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

describe('backoffDelay', () => {
  it.each([
    [1, 100],
    [2, 200],
    [3, 400],
    [4, 800],
    [5, 1_000],
    [9, 1_000],
  ])('after %i failed attempts stays under a ceiling of %i ms', (attempt, ceiling) => {
    // Act
    const highest = backoffDelay(attempt, policy, () => 0.999_999);
    const lowest = backoffDelay(attempt, policy, () => 0);

    // Assess
    expect(highest).toBe(ceiling - 1);
    expect(lowest).toBe(0);
  });
});

describe('isRetriableAwsError', () => {
  const withStatus = (name: string, status: number) =>
    Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

  it.each([
    ['throttling', new ProvisionedThroughputExceededException({ message: 'slow', $metadata: {} })],
    ['a 5xx answer', withStatus('InternalFailure', 500)],
    ['a 503 without a known name', withStatus('Unknown', 503)],
    ['a 429', withStatus('Unknown', 429)],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['a server fault', Object.assign(new Error('boom'), { $fault: 'server' })],
  ])('retries %s', (_, error) => {
    // Act
    const retriable = isRetriableAwsError(error);

    // Assess
    expect(retriable).toBe(true);
  });

  it.each([
    [
      'a missing resource',
      new ResourceNotFoundException({ message: 'no stream', $metadata: { httpStatusCode: 400 } }),
    ],
    ['a validation error', withStatus('ValidationException', 400)],
    ['a TypeError', new TypeError('x is not a function')],
    ['a RangeError', new RangeError('offset out of range')],
    ['a thrown string', 'oops'],
  ])('does not retry %s', (_, error) => {
    // Act
    const retriable = isRetriableAwsError(error);

    // Assess
    expect(retriable).toBe(false);
  });
});
