import type { Metrics } from '@geqo/shared/ports';
import type { MetricCall } from './protocol.ts';

/**
 * Metrics recorded in another thread: calls are buffered and handed to `send` together (every
 * `intervalMs`, and on `flush`), where the main thread replays them into its registry.
 */
export class ForwardedMetrics implements Metrics {
  private calls: MetricCall[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly send: (calls: MetricCall[]) => void,
    intervalMs = 1_000,
  ) {
    this.timer = setInterval(() => this.flush(), intervalMs);
    this.timer.unref();
  }

  count(name: string, value = 1, labels?: Record<string, string>): void {
    this.calls.push({ kind: 'count', name, value, ...(labels ? { labels } : {}) });
  }

  observe(name: string, value: number, labels?: Record<string, string>): void {
    this.calls.push({ kind: 'observe', name, value, ...(labels ? { labels } : {}) });
  }

  flush(): void {
    if (this.calls.length === 0) return;
    const calls = this.calls;
    this.calls = [];
    this.send(calls);
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
  }
}

/** Replays forwarded calls into a registry. */
export function replayMetricCalls(metrics: Metrics, calls: readonly MetricCall[]): void {
  for (const call of calls) {
    if (call.kind === 'count') metrics.count(call.name, call.value, call.labels);
    else metrics.observe(call.name, call.value, call.labels);
  }
}
