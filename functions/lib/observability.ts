import type { Logger } from '@geqo/shared/ports';
import type { LogLevel } from './config.ts';
import { EmfMetrics, type FlushableMetrics } from './emf-metrics.ts';
import { createJsonLogger } from './json-logger.ts';

/** What every function has: structured logs and metrics, named after the function. */
export interface Observability {
  logger: Logger;
  metrics: FlushableMetrics;
}

/** The CloudWatch namespace of every Geqo metric. */
export const METRICS_NAMESPACE = 'Geqo';

export function createObservability(functionName: string, level: LogLevel): Observability {
  return {
    logger: createJsonLogger({ level, base: { function: functionName } }),
    metrics: new EmfMetrics({ namespace: METRICS_NAMESPACE, dimensions: { function: functionName } }),
  };
}

/** Flushes the invocation's metrics whatever the outcome, so failed invocations are counted too. */
export async function withMetrics<T>(metrics: FlushableMetrics, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    metrics.flush();
  }
}
