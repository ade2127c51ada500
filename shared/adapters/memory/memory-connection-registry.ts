import type { ConnectionRegistry } from '../../ports/index.ts';

/** Topics that gained their first subscriber (`added`) or lost their last (`removed`). */
export interface TopicChange {
  added: string[];
  removed: string[];
}

/** Subscriptions held in memory, indexed both ways (the local runtime's dashboard sockets). */
export class MemoryConnectionRegistry implements ConnectionRegistry {
  private readonly byTopic = new Map<string, Set<string>>();
  private readonly byConnection = new Map<string, Set<string>>();
  private readonly topicWatchers = new Set<(change: TopicChange) => void>();

  async subscribe(connectionId: string, topic: string): Promise<void> {
    const connections = this.byTopic.get(topic) ?? new Set<string>();
    const added = !this.byTopic.has(topic);
    this.byTopic.set(topic, connections.add(connectionId));
    const topics = this.byConnection.get(connectionId) ?? new Set<string>();
    this.byConnection.set(connectionId, topics.add(topic));
    if (added) this.topicsChanged({ added: [topic], removed: [] });
  }

  async unsubscribe(connectionId: string, topic: string): Promise<void> {
    if (this.leave(connectionId, topic)) this.topicsChanged({ added: [], removed: [topic] });
    this.byConnection.get(connectionId)?.delete(topic);
  }

  async remove(connectionId: string): Promise<void> {
    const removed = [...(this.byConnection.get(connectionId) ?? [])].filter((topic) =>
      this.leave(connectionId, topic),
    );
    this.byConnection.delete(connectionId);
    if (removed.length > 0) this.topicsChanged({ added: [], removed });
  }

  /** Takes a connection off a topic; true when that was the topic's last subscriber. */
  private leave(connectionId: string, topic: string): boolean {
    const connections = this.byTopic.get(topic);
    if (!connections?.delete(connectionId) || connections.size > 0) return false;
    this.byTopic.delete(topic);
    return true;
  }

  /** Synchronous: whether anyone follows `topic` right now. */
  hasSubscribers(topic: string): boolean {
    return (this.byTopic.get(topic)?.size ?? 0) > 0;
  }

  /** The topics someone follows. */
  topics(): string[] {
    return [...this.byTopic.keys()];
  }

  /** How many topics someone follows. */
  topicCount(): number {
    return this.byTopic.size;
  }

  /**
   * Calls `listener` with the change whenever topics gain their first or lose their last
   * subscriber: the change only, so a subscription costs the same however many topics there are
   * (the whole list, sent on every subscription, grew quadratically).
   */
  watchTopics(listener: (change: TopicChange) => void): () => void {
    this.topicWatchers.add(listener);
    return () => this.topicWatchers.delete(listener);
  }

  private topicsChanged(change: TopicChange): void {
    for (const listener of this.topicWatchers) listener(change);
  }

  async subscribers(topic: string): Promise<readonly string[]> {
    return [...(this.byTopic.get(topic) ?? [])];
  }
}
