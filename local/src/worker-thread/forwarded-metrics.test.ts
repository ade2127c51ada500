import type { Metrics } from '@geqo/shared/ports';
import { describe, expect, it } from 'vitest';
import { ForwardedMetrics, replayMetricCalls } from './forwarded-metrics.ts';
import type { MetricCall } from './protocol.ts';

describe('ForwardedMetrics', () => {
  it('buffers counts and observations and hands them over together, in order', () => {
    const sent: MetricCall[][] = [];
    const metrics = new ForwardedMetrics((calls) => sent.push(calls), 60_000);
    metrics.count('worker_records', 40);
    metrics.count('worker_dead_letters', 1, { code: 'ENGINE_ERROR' });
    metrics.observe('worker_batch_ms', 12.5);
    expect(sent).toEqual([]);

    metrics.flush();
    expect(sent).toEqual([
      [
        { kind: 'count', name: 'worker_records', value: 40 },
        { kind: 'count', name: 'worker_dead_letters', value: 1, labels: { code: 'ENGINE_ERROR' } },
        { kind: 'observe', name: 'worker_batch_ms', value: 12.5 },
      ],
    ]);
    metrics.flush(); // nothing new: nothing sent
    metrics.close();
    expect(sent).toHaveLength(1);
  });

  it('replays forwarded calls into a registry', () => {
    const received: string[] = [];
    const registry: Metrics = {
      count: (name, value, labels) => received.push(`count ${name} ${value} ${JSON.stringify(labels ?? {})}`),
      observe: (name, value) => received.push(`observe ${name} ${value}`),
    };
    replayMetricCalls(registry, [
      { kind: 'count', name: 'worker_events', value: 3000 },
      { kind: 'observe', name: 'worker_batch_ms', value: 80, labels: { stream: 'raw' } },
    ]);
    expect(received).toEqual(['count worker_events 3000 {}', 'observe worker_batch_ms 80']);
  });
});
