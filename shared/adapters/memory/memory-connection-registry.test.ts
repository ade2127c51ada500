import { describe, expect, it } from 'vitest';
import { MemoryConnectionRegistry } from './memory-connection-registry.ts';

describe('MemoryConnectionRegistry topics', () => {
  it('lists the followed topics and tells watchers the change when a topic gains its first or loses its last subscriber', async () => {
    const registry = new MemoryConnectionRegistry();
    const seen: { added: string[]; removed: string[] }[] = [];
    const unwatch = registry.watchTopics((change) => seen.push(change));

    await registry.subscribe('c1', 'm_1');
    await registry.subscribe('c2', 'm_1'); // not a change: m_1 already followed
    await registry.subscribe('c2', 'matches');
    await registry.unsubscribe('c1', 'm_1'); // c2 still follows m_1
    await registry.unsubscribe('c2', 'm_1');
    await registry.subscribe('c2', 'm_1');
    await registry.remove('c2');

    expect(seen).toEqual([
      { added: ['m_1'], removed: [] },
      { added: ['matches'], removed: [] },
      { added: [], removed: ['m_1'] },
      { added: ['m_1'], removed: [] },
      { added: [], removed: ['matches', 'm_1'] }, // one change for all a closed connection followed
    ]);
    expect(registry.topics()).toEqual([]);

    unwatch();
    await registry.subscribe('c3', 'm_2');
    expect(seen).toHaveLength(5);
    expect(registry.topics()).toEqual(['m_2']);
    expect(registry.hasSubscribers('m_2')).toBe(true);
  });

  it('tells watchers one topic per subscription however many topics are followed (no whole list each time)', async () => {
    const registry = new MemoryConnectionRegistry();
    let topicsSent = 0;
    registry.watchTopics(({ added, removed }) => {
      topicsSent += added.length + removed.length;
    });

    for (let i = 0; i < 2_000; i += 1) await registry.subscribe('c1', `m_${i}`);
    await registry.remove('c1');

    expect(topicsSent).toBe(4_000);
    expect(registry.topicCount()).toBe(0);
  });
});
