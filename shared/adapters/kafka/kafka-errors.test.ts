import { MultipleErrors, NetworkError, ProtocolError, TimeoutError, UserError } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { isRetriableKafkaError, kafkaWriteError } from './kafka-errors.ts';

describe('isRetriableKafkaError', () => {
  it.each([
    ['a lost connection', new NetworkError('connection closed')],
    ['a timeout', new TimeoutError('request timed out')],
    ['a leader change', new ProtocolError('NOT_LEADER_OR_FOLLOWER')],
    [
      'several retriable errors',
      new MultipleErrors('failed', [new NetworkError('a'), new TimeoutError('b')]),
    ],
  ])('retries %s', (_, error) => {
    // Act
    const retriable = isRetriableKafkaError(error);

    // Assess
    expect(retriable).toBe(true);
  });

  it.each([
    ['a usage error', new UserError('bad option')],
    ['an authorization failure', new ProtocolError('TOPIC_AUTHORIZATION_FAILED')],
    [
      'a mix with one permanent error',
      new MultipleErrors('failed', [new NetworkError('a'), new UserError('b')]),
    ],
    ['a programmer error', new TypeError('undefined is not a function')],
  ])('does not retry %s', (_, error) => {
    // Act
    const retriable = isRetriableKafkaError(error);

    // Assess
    expect(retriable).toBe(false);
  });
});

describe('kafkaWriteError', () => {
  it('wraps the cause in a STREAM_WRITE PipelineError', () => {
    // Prepare
    const cause = new NetworkError('connection closed');

    // Act
    const error = kafkaWriteError('raw-game-events', cause);

    // Assess
    expect(error).toMatchObject({ name: 'PipelineError', code: 'STREAM_WRITE', retriable: true, cause });
    expect(error.message).toContain('raw-game-events');
  });
});
