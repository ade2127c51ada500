import type { ConnectionRegistry } from '../../ports/index.ts';

/** Subscriptions held in memory, indexed both ways (the local runtime's dashboard sockets). */
export class MemoryConnectionRegistry implements ConnectionRegistry {
  private readonly byTopic = new Map<string, Set<string>>();
  private readonly byConnection = new Map<string, Set<string>>();

  async subscribe(connectionId: string, topic: string): Promise<void> {
    const connections = this.byTopic.get(topic) ?? new Set<string>();
    this.byTopic.set(topic, connections.add(connectionId));
    const topics = this.byConnection.get(connectionId) ?? new Set<string>();
    this.byConnection.set(connectionId, topics.add(topic));
  }

  async unsubscribe(connectionId: string, topic: string): Promise<void> {
    this.byTopic.get(topic)?.delete(connectionId);
    if (this.byTopic.get(topic)?.size === 0) this.byTopic.delete(topic);
    this.byConnection.get(connectionId)?.delete(topic);
  }

  async remove(connectionId: string): Promise<void> {
    for (const topic of this.byConnection.get(connectionId) ?? [])
      await this.unsubscribe(connectionId, topic);
    this.byConnection.delete(connectionId);
  }

  /** Synchronous: whether anyone follows `topic` right now. */
  hasSubscribers(topic: string): boolean {
    return (this.byTopic.get(topic)?.size ?? 0) > 0;
  }

  async subscribers(topic: string): Promise<readonly string[]> {
    return [...(this.byTopic.get(topic) ?? [])];
  }
}
