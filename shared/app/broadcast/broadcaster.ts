import type {
  ConnectionRegistry,
  ConnectionSender,
  ConsumedRecord,
  Logger,
  Metrics,
} from '../../ports/index.ts';

export interface BroadcasterDeps {
  registry: ConnectionRegistry;
  sender: ConnectionSender;
  logger: Logger;
  metrics: Metrics;
}

/**
 * Fans processed-stream records out to dashboard connections. A record's partition key is its
 * topic (a match id or `matches`) and its data is the JSON message, sent as is: one lookup per
 * topic, no parsing, no table scan. A connection that is gone (410) is forgotten.
 */
export class Broadcaster {
  constructor(private readonly deps: BroadcasterDeps) {}

  async deliver(records: readonly ConsumedRecord[]): Promise<{ sent: number; gone: number }> {
    const { registry, sender, metrics, logger } = this.deps;
    let sent = 0;
    let gone = 0;
    const subscribersByTopic = new Map<string, readonly string[]>();
    for (const record of records) {
      let subscribers = subscribersByTopic.get(record.partitionKey);
      if (!subscribers) {
        subscribers = await registry.subscribers(record.partitionKey);
        subscribersByTopic.set(record.partitionKey, subscribers);
      }
      if (subscribers.length === 0) continue;
      const outcomes = await Promise.all(subscribers.map((id) => sender.send(id, record.data)));
      outcomes.forEach((outcome, i) => {
        if (outcome === 'sent') sent += 1;
        else gone += 1;
        if (outcome === 'gone') {
          const connectionId = subscribers[i]!;
          logger.info('dashboard connection gone', { connectionId });
          void registry.remove(connectionId);
        }
      });
    }
    metrics.count('broadcast_messages', sent);
    if (gone > 0) metrics.count('broadcast_gone', gone);
    return { sent, gone };
  }
}
