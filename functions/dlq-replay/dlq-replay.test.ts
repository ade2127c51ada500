import { MemoryStream } from '@geqo/shared/adapters/memory';
import { describe, expect, it } from 'vitest';
import { RecordingLogger, RecordingMetrics } from '../test/doubles.ts';
import { type DeadLetterQueue, makeHandler, type QueuedDeadLetter } from './make-handler.ts';

class MemoryDeadLetterQueue implements DeadLetterQueue {
  removed: string[] = [];
  constructor(private letters: QueuedDeadLetter[]) {}
  async receive(max: number) {
    return this.letters.filter((l) => !this.removed.includes(l.receipt)).slice(0, max);
  }
  async remove(letters: readonly QueuedDeadLetter[]) {
    this.removed.push(...letters.map((l) => l.receipt));
  }
}

const letter = (n: number): QueuedDeadLetter => ({
  receipt: `r-${n}`,
  partitionKey: `srv_00000000000${n % 10}`,
  payload: new Uint8Array([n]),
  code: n % 2 ? 'ENGINE_ERROR' : 'SCHEMA',
});

describe('dlq-replay handler', () => {
  it('puts letters back on the raw stream with their keys, then removes them from the queue', async () => {
    // Prepare
    const queue = new MemoryDeadLetterQueue([1, 2, 3].map(letter));
    const stream = new MemoryStream();
    const consumer = stream.consumer('raw-game-events', 'test');
    const handler = makeHandler({
      queue,
      producer: stream,
      stream: 'raw-game-events',
      logger: new RecordingLogger(),
      metrics: new RecordingMetrics(),
    });
    // Act
    const result = await handler({});
    // Assess
    expect(result).toEqual({ replayed: 3, byCode: { ENGINE_ERROR: 2, SCHEMA: 1 } });
    const records = await consumer.poll(10, 0);
    expect(records.map((r) => [r.partitionKey, [...r.data]])).toEqual([
      ['srv_000000000001', [1]],
      ['srv_000000000002', [2]],
      ['srv_000000000003', [3]],
    ]);
    expect(queue.removed).toEqual(['r-1', 'r-2', 'r-3']);
  });

  it('stops at maxMessages', async () => {
    const queue = new MemoryDeadLetterQueue(Array.from({ length: 25 }, (_, i) => letter(i)));
    const handler = makeHandler({
      queue,
      producer: new MemoryStream(),
      stream: 'raw-game-events',
      logger: new RecordingLogger(),
      metrics: new RecordingMetrics(),
    });
    expect((await handler({ maxMessages: 12 })).replayed).toBe(12);
    expect(queue.removed).toHaveLength(12);
  });

  it('keeps the letters in the queue when the stream refuses them', async () => {
    const queue = new MemoryDeadLetterQueue([letter(1)]);
    const handler = makeHandler({
      queue,
      producer: {
        put: async () => Promise.reject(new Error('ResourceNotFoundException')),
        close: async () => {},
      },
      stream: 'raw-game-events',
      logger: new RecordingLogger(),
      metrics: new RecordingMetrics(),
    });
    await expect(handler({})).rejects.toThrow('ResourceNotFoundException');
    expect(queue.removed).toEqual([]);
  });
});
