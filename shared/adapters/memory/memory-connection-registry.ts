import type { ConnectionRegistry } from '../../ports/index.ts';

/** Subscriptions held in memory, indexed both ways (the local runtime's dashboard sockets). */
export class MemoryConnectionRegistry implements ConnectionRegistry {
  private readonly byTopic = new Map<string, Set<string>>();
  private readonly byConnection = new Map<string, Set<string>>();
  private readonly topicWatchers = new Set<(topics: string[]) => void>();

  async subscribe(connectionId: string, topic: string): Promise<void> {
    const connections = this.byTopic.get(topic) ?? new Set<string>();
    const added = !this.byTopic.has(topic);
    this.byTopic.set(topic, connections.add(connectionId));
    if (added) this.topicsChanged();
    const topics = this.byConnection.get(connectionId) ?? new Set<string>();
    this.byConnection.set(connectionId, topics.add(topic));
  }

  async unsubscribe(connectionId: string, topic: string): Promise<void> {
    this.byTopic.get(topic)?.delete(connectionId);
    if (this.byTopic.get(topic)?.size === 0) {
      this.byTopic.delete(topic);
      this.topicsChanged();
    }
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

  /** The topics someone follows. */
  topics(): string[] {
    return [...this.byTopic.keys()];
  }

  /** Calls `listener` with {@link topics} whenever a topic gains its first or loses its last subscriber. */
  watchTopics(listener: (topics: string[]) => void): () => void {
    this.topicWatchers.add(listener);
    return () => this.topicWatchers.delete(listener);
  }

  private topicsChanged(): void {
    if (this.topicWatchers.size === 0) return;
    const topics = this.topics();
    for (const listener of this.topicWatchers) listener(topics);
  }

  async subscribers(topic: string): Promise<readonly string[]> {
    return [...(this.byTopic.get(topic) ?? [])];
  }
}
