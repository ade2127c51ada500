import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../adapters/logging/index.ts';
import { MemoryConnectionRegistry } from '../../adapters/memory/index.ts';
import { noMetrics } from '../../adapters/metrics/index.ts';
import type { ConnectionSender, ConsumedRecord, SendOutcome } from '../../ports/index.ts';
import { PipelineError } from '../../ports/index.ts';
import { Broadcaster } from './broadcaster.ts';

/**
 * A test double of the sender port: each post takes a few milliseconds, the posts in flight are
 * counted, and a connection can be made gone or failing.
 */
class FakeSender implements ConnectionSender {
  inFlight = 0;
  maxInFlight = 0;
  readonly posts: { connectionId: string; message: string }[] = [];
  readonly gone = new Set<string>();
  readonly failing = new Map<string, () => Error>();

  async send(connectionId: string, message: Uint8Array | string): Promise<SendOutcome> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 2));
      this.posts.push({
        connectionId,
        message: typeof message === 'string' ? message : new TextDecoder().decode(message),
      });
      if (this.gone.has(connectionId)) return 'gone';
      const failure = this.failing.get(connectionId);
      if (failure) throw failure();
      return 'sent';
    } finally {
      this.inFlight -= 1;
    }
  }

  postsTo(connectionId: string): string[] {
    return this.posts.filter((post) => post.connectionId === connectionId).map((post) => post.message);
  }
}

function record(topic: string, message: string, position = 1): ConsumedRecord {
  return {
    stream: 'processed-game-events',
    shard: 'shard-0',
    position: String(position),
    arrivedAt: 0,
    partitionKey: topic,
    data: new TextEncoder().encode(message),
  };
}

async function setup(connections: string[], options: { concurrency?: number } = {}) {
  const registry = new MemoryConnectionRegistry();
  for (const id of connections) await registry.subscribe(id, 'm-1');
  const sender = new FakeSender();
  const broadcaster = new Broadcaster({
    registry,
    sender,
    logger: silentLogger,
    metrics: noMetrics,
    concurrency: options.concurrency,
    retryDelaysMs: [1, 1],
  });
  return { registry, sender, broadcaster };
}

const throttled = () => new PipelineError('POST_TO_CONNECTION', 'throttled (429)', true);
const forbidden = () => new PipelineError('POST_TO_CONNECTION', 'forbidden (403)', false);

describe('Broadcaster', () => {
  it('posts to every subscriber with at most `concurrency` posts in flight', async () => {
    // Prepare
    const ids = Array.from({ length: 40 }, (_, i) => `dash-${i}`);
    const { sender, broadcaster } = await setup(ids, { concurrency: 5 });

    // Act
    const result = await broadcaster.deliver([record('m-1', 'a', 1), record('m-1', 'b', 2)]);

    // Assess
    expect(result).toEqual({ sent: 80, gone: 0, failed: 0 });
    expect(sender.maxInFlight).toBe(5);
    for (const id of ids) expect(sender.postsTo(id)).toEqual(['a', 'b']);
  });

  it('gives each connection its messages in the batch order, the parts of a split events message included', async () => {
    // Prepare
    const { sender, broadcaster } = await setup(['dash-1', 'dash-2'], { concurrency: 2 });
    const parts = ['part-1', 'part-2', 'part-3', 'part-4'];

    // Act
    await broadcaster.deliver(parts.map((part, i) => record('m-1', part, i)));

    // Assess
    expect(sender.postsTo('dash-1')).toEqual(parts);
    expect(sender.postsTo('dash-2')).toEqual(parts);
  });

  it('forgets a gone connection before answering, and posts nothing more to it', async () => {
    // Prepare
    const { registry, sender, broadcaster } = await setup(['dash-1', 'dash-gone']);
    sender.gone.add('dash-gone');
    const remove = registry.remove.bind(registry);
    registry.remove = async (id) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      await remove(id);
    };

    // Act
    const result = await broadcaster.deliver([record('m-1', 'a', 1), record('m-1', 'b', 2)]);

    // Assess
    expect(result).toEqual({ sent: 2, gone: 1, failed: 0 });
    expect(await registry.subscribers('m-1')).toEqual(['dash-1']);
    expect(sender.postsTo('dash-gone')).toEqual(['a']);
  });

  it('keeps delivering to the others when one connection fails, without failing the batch', async () => {
    // Prepare
    const { sender, broadcaster } = await setup(['dash-1', 'dash-broken', 'dash-3']);
    sender.failing.set('dash-broken', forbidden);

    // Act
    const result = await broadcaster.deliver([record('m-1', 'a', 1), record('m-1', 'b', 2)]);

    // Assess: the failure is not retried (403 is not retriable) and the others got everything once.
    expect(result).toEqual({ sent: 4, gone: 0, failed: 2 });
    expect(sender.postsTo('dash-broken')).toEqual(['a', 'b']);
    expect(sender.postsTo('dash-1')).toEqual(['a', 'b']);
    expect(sender.postsTo('dash-3')).toEqual(['a', 'b']);
  });

  it('retries a throttled post on that connection only, then counts it failed', async () => {
    // Prepare
    const { sender, broadcaster } = await setup(['dash-1', 'dash-throttled']);
    sender.failing.set('dash-throttled', throttled);

    // Act
    const result = await broadcaster.deliver([record('m-1', 'a')]);

    // Assess: one post and two retries there, one post to the other.
    expect(result).toEqual({ sent: 1, gone: 0, failed: 1 });
    expect(sender.postsTo('dash-throttled')).toEqual(['a', 'a', 'a']);
    expect(sender.postsTo('dash-1')).toEqual(['a']);
  });

  it('throws a retriable error when no post got through and every failure was retriable', async () => {
    // Prepare
    const { sender, broadcaster } = await setup(['dash-1', 'dash-2']);
    sender.failing.set('dash-1', throttled);
    sender.failing.set('dash-2', throttled);

    // Act
    const outcome = broadcaster.deliver([record('m-1', 'a')]);

    // Assess
    await expect(outcome).rejects.toMatchObject({ code: 'BROADCAST_FAILED', retriable: true });
  });
});
