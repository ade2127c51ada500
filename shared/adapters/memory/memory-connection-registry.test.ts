import { describe, expect, it } from 'vitest';
import { MemoryConnectionRegistry } from './memory-connection-registry.ts';

describe('MemoryConnectionRegistry topics', () => {
  it('lists the followed topics and tells watchers when a topic gains its first or loses its last subscriber', async () => {
    const registry = new MemoryConnectionRegistry();
    const seen: string[][] = [];
    const unwatch = registry.watchTopics((topics) => seen.push([...topics].sort()));

    await registry.subscribe('c1', 'm_1');
    await registry.subscribe('c2', 'm_1'); // not a change: m_1 already followed
    await registry.subscribe('c2', 'matches');
    await registry.unsubscribe('c1', 'm_1'); // c2 still follows m_1
    await registry.remove('c2');

    expect(seen).toEqual([['m_1'], ['m_1', 'matches'], ['matches'], []]);
    expect(registry.topics()).toEqual([]);

    unwatch();
    await registry.subscribe('c3', 'm_2');
    expect(seen).toHaveLength(4);
    expect(registry.topics()).toEqual(['m_2']);
    expect(registry.hasSubscribers('m_2')).toBe(true);
  });
});
