import { describe, expect, it } from 'vitest';
import { EmfMetrics } from './emf-metrics.ts';
import { createJsonLogger } from './json-logger.ts';

describe('createJsonLogger', () => {
  it('writes one JSON object per line with the base fields, a child’s fields and errors made plain', async () => {
    // Prepare
    const lines: string[] = [];
    const logger = createJsonLogger({
      level: 'info',
      base: { function: 'worker' },
      write: (l) => lines.push(l),
      now: () => 0,
    });
    // Act
    logger.debug('hidden');
    logger
      .child({ shardId: 'shardId-0' })
      .error('batch failed', { error: Object.assign(new Error('boom'), { code: 'X' }) });
    // Assess
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({
      time: '1970-01-01T00:00:00.000Z',
      level: 'error',
      msg: 'batch failed',
      function: 'worker',
      shardId: 'shardId-0',
      error: { name: 'Error', message: 'boom', code: 'X' },
    });
  });
});

describe('EmfMetrics', () => {
  it('sums counts per name and labels and writes them in the embedded metric format on flush', async () => {
    // Prepare
    const lines: string[] = [];
    const metrics = new EmfMetrics({
      namespace: 'Geqo',
      dimensions: { function: 'ingest' },
      write: (l) => lines.push(l),
      now: () => 5,
    });
    // Act
    metrics.count('ingest_frames');
    metrics.count('ingest_frames', 2);
    metrics.observe('worker_batch_ms', 12);
    metrics.flush();
    metrics.flush();
    // Assess
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        _aws: {
          Timestamp: 5,
          CloudWatchMetrics: [
            {
              Namespace: 'Geqo',
              Dimensions: [['function']],
              Metrics: [{ Name: 'ingest_frames', Unit: 'Count' }],
            },
          ],
        },
        function: 'ingest',
        ingest_frames: 3,
      },
      {
        _aws: {
          Timestamp: 5,
          CloudWatchMetrics: [
            {
              Namespace: 'Geqo',
              Dimensions: [['function']],
              Metrics: [{ Name: 'worker_batch_ms', Unit: 'Milliseconds' }],
            },
          ],
        },
        function: 'ingest',
        worker_batch_ms: 12,
      },
    ]);
  });
});
