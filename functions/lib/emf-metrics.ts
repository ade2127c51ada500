import type { Metrics } from '@geqo/shared/ports';

/** Metrics that are buffered during an invocation and written when it ends. */
export interface FlushableMetrics extends Metrics {
  /** Writes what was collected since the last flush, then forgets it. */
  flush(): void;
}

interface Series {
  name: string;
  labels: Record<string, string>;
  unit: 'Count' | 'Milliseconds';
  values: number[];
}

export interface EmfMetricsOptions {
  namespace: string;
  /** Dimensions on every metric, e.g. `{ function: 'worker' }`. */
  dimensions?: Record<string, string>;
  write?: (line: string) => void;
  now?: () => number;
}

/**
 * CloudWatch Embedded Metric Format: metrics written as structured log lines, which CloudWatch
 * turns into metrics with no API call (and no latency) in the function. Counts are summed and
 * timings kept as value lists, one log line per series per invocation.
 */
export class EmfMetrics implements FlushableMetrics {
  private readonly series = new Map<string, Series>();
  private readonly write: (line: string) => void;
  private readonly now: () => number;

  constructor(private readonly options: EmfMetricsOptions) {
    this.write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
    this.now = options.now ?? Date.now;
  }

  count(name: string, value = 1, labels: Record<string, string> = {}): void {
    const series = this.get(name, labels, 'Count');
    series.values[0] = (series.values[0] ?? 0) + value;
  }

  observe(name: string, value: number, labels: Record<string, string> = {}): void {
    // Every `*_ms` observation is a duration; anything else is a plain count-like value.
    this.get(name, labels, name.endsWith('_ms') ? 'Milliseconds' : 'Count').values.push(value);
  }

  flush(): void {
    const timestamp = this.now();
    for (const series of this.series.values()) {
      const dimensions = { ...this.options.dimensions, ...series.labels };
      this.write(
        JSON.stringify({
          _aws: {
            Timestamp: timestamp,
            CloudWatchMetrics: [
              {
                Namespace: this.options.namespace,
                Dimensions: [Object.keys(dimensions)],
                Metrics: [{ Name: series.name, Unit: series.unit }],
              },
            ],
          },
          ...dimensions,
          [series.name]: series.values.length === 1 ? series.values[0] : series.values,
        }),
      );
    }
    this.series.clear();
  }

  private get(name: string, labels: Record<string, string>, unit: Series['unit']): Series {
    const key = `${name}\u0000${JSON.stringify(labels)}`;
    let series = this.series.get(key);
    if (!series) {
      series = { name, labels, unit, values: [] };
      this.series.set(key, series);
    }
    return series;
  }
}
