import { MemoryConnectionRegistry } from '@geqo/shared/adapters/memory';
import { Broadcaster } from '@geqo/shared/app/broadcast';
import type { ConnectionSender, SendOutcome } from '@geqo/shared/ports';
import { PipelineError } from '@geqo/shared/ports';
import { describe, expect, it } from 'vitest';
import { RecordingLogger, RecordingMetrics } from '../test/doubles.ts';
import { kinesisEvent, mskEvent, sequenceNumber } from '../test/factories.ts';
import { makeHandler } from './make-handler.ts';

class RecordingSender implements ConnectionSender {
  readonly sent: { connectionId: string; message: string }[] = [];
  readonly failing = new Set<string>();
  constructor(private readonly gone: ReadonlySet<string> = new Set()) {}
  async send(connectionId: string, message: Uint8Array | string): Promise<SendOutcome> {
    if (this.gone.has(connectionId)) return 'gone';
    if (this.failing.has(connectionId))
      throw new PipelineError(
        'POST_TO_CONNECTION',
        'PostToConnection failed: ForbiddenException (403)',
        false,
      );
    this.sent.push({
      connectionId,
      message: typeof message === 'string' ? message : Buffer.from(message).toString('utf8'),
    });
    return 'sent';
  }
}

function setup(gone: string[] = []) {
  const registry = new MemoryConnectionRegistry();
  const sender = new RecordingSender(new Set(gone));
  const logger = new RecordingLogger();
  const metrics = new RecordingMetrics();
  const broadcaster = new Broadcaster({ registry, sender, logger, metrics });
  return { registry, sender, handler: makeHandler({ broadcaster, logger, metrics }) };
}

const message = (matchId: string, n: number) => JSON.stringify({ type: 'events', matchId, events: [{ n }] });

describe('broadcaster handler', () => {
  it('sends each processed record to the connections subscribed to its topic', async () => {
    // Prepare
    const { registry, sender, handler } = setup();
    await registry.subscribe('dash-1', 'm-1');
    await registry.subscribe('dash-2', 'm-2');
    // Act
    const response = await handler(
      kinesisEvent(
        [
          { partitionKey: 'm-1', data: message('m-1', 1) },
          { partitionKey: 'm-2', data: message('m-2', 2) },
          { partitionKey: 'm-3', data: message('m-3', 3) },
        ],
        { streamName: 'processed-game-events' },
      ),
    );
    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(sender.sent).toEqual([
      { connectionId: 'dash-1', message: message('m-1', 1) },
      { connectionId: 'dash-2', message: message('m-2', 2) },
    ]);
  });

  it('forgets a connection that is gone', async () => {
    const { registry, handler } = setup(['dash-gone']);
    await registry.subscribe('dash-gone', 'matches');
    await handler(mskEvent('processed-game-events', [{ key: 'matches', value: message('m-1', 1) }]));
    expect(await registry.subscribers('matches')).toEqual([]);
  });

  it('answers no batch failure when posting fails on one connection only, so the others get nothing twice', async () => {
    // Prepare
    const { registry, sender, handler } = setup();
    await registry.subscribe('dash-1', 'm-1');
    await registry.subscribe('dash-broken', 'm-1');
    sender.failing.add('dash-broken');

    // Act
    const response = await handler(kinesisEvent([{ partitionKey: 'm-1', data: message('m-1', 1) }]));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(sender.sent).toEqual([{ connectionId: 'dash-1', message: message('m-1', 1) }]);
  });

  it('reports the batch from its first record when the subscriptions cannot be read', async () => {
    // Prepare
    const { registry, handler } = setup();
    registry.subscribers = async () => Promise.reject(new Error('too many connections'));
    const event = kinesisEvent([
      { partitionKey: 'm-1', data: message('m-1', 1), sequenceNumber: sequenceNumber(5) },
      { partitionKey: 'm-1', data: message('m-1', 2), sequenceNumber: sequenceNumber(6) },
    ]);
    // Act
    const response = await handler(event);
    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumber(5) }] });
  });
});
