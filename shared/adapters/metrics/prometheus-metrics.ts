import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Metrics } from '../../ports/index.ts';

const LATENCY_BUCKETS = [0.5, 1, 2, 5, 10, 20, 50, 100, 250, 500, 1_000, 2_500, 5_000];

/** The local runtime's metrics, served at `/metrics` in the Prometheus text format. */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly counters = new Map<string, Counter>();
  private readonly histograms = new Map<string, Histogram>();
  private readonly gauges = new Map<string, Gauge>();

  count(name: string, value = 1, labels: Record<string, string> = {}): void {
    let counter = this.counters.get(name);
    if (!counter) {
      counter = new Counter({
        name: `geqo_${name}_total`,
        help: name.replaceAll('_', ' '),
        labelNames: Object.keys(labels),
        registers: [this.registry],
      });
      this.counters.set(name, counter);
    }
    counter.inc(labels, value);
  }

  observe(name: string, value: number, labels: Record<string, string> = {}): void {
    let histogram = this.histograms.get(name);
    if (!histogram) {
      histogram = new Histogram({
        name: `geqo_${name}`,
        help: name.replaceAll('_', ' '),
        labelNames: Object.keys(labels),
        buckets: LATENCY_BUCKETS,
        registers: [this.registry],
      });
      this.histograms.set(name, histogram);
    }
    histogram.observe(labels, value);
  }

  gauge(name: string, value: number, labels: Record<string, string> = {}): void {
    let gauge = this.gauges.get(name);
    if (!gauge) {
      gauge = new Gauge({
        name: `geqo_${name}`,
        help: name.replaceAll('_', ' '),
        labelNames: Object.keys(labels),
        registers: [this.registry],
      });
      this.gauges.set(name, gauge);
    }
    gauge.set(labels, value);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

export const noMetrics: Metrics = { count() {}, observe() {} };
