import { describe, expect, it } from 'vitest';
import { ConfigError } from '../lib/config.ts';
import { RecordingLogger, RecordingMetrics } from '../test/doubles.ts';
import { loadConfig } from './config.ts';
import { makeHandler } from './make-handler.ts';

type Batch = { pending: number; written: number } | Error;

/** An aggregator that answers the scripted batches in turn (then empty ones), and counts its calls. */
function scripted(batches: Batch[], onCall: () => void = () => {}) {
  const limits: number[] = [];
  return {
    limits,
    aggregator: {
      aggregatePending: async (limit?: number) => {
        limits.push(limit ?? -1);
        onCall();
        const next = batches.shift() ?? { pending: 0, written: 0 };
        if (next instanceof Error) throw next;
        return next;
      },
    },
  };
}

function setup(batches: Batch[], options: { budgetMs?: number; tickMs?: number } = {}) {
  let clock = 0;
  const { aggregator, limits } = scripted(batches, () => {
    clock += options.tickMs ?? 1_000;
  });
  const metrics = new RecordingMetrics();
  const logger = new RecordingLogger();
  const handler = makeHandler({
    aggregator,
    batchSize: 5,
    budgetMs: options.budgetMs ?? 45_000,
    logger,
    metrics,
    clock: () => clock,
  });
  return { handler, limits, metrics, logger };
}

describe('stats-aggregation handler', () => {
  it('runs batches while they come back full, and stops at the first partial one', async () => {
    // Prepare
    const { handler, limits, logger } = setup([
      { pending: 5, written: 5 },
      { pending: 5, written: 4 },
      { pending: 2, written: 2 },
    ]);

    // Act
    const result = await handler();

    // Assess
    expect(result).toEqual({ pending: 12, written: 11, batches: 3, more: false });
    expect(limits).toEqual([5, 5, 5]);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'info', message: 'statistics sweep done' }),
    );
  });

  it('does one cheap query and logs nothing when no match is pending', async () => {
    // Prepare
    const { handler, limits, logger, metrics } = setup([]);

    // Act
    const result = await handler();

    // Assess
    expect(result).toEqual({ pending: 0, written: 0, batches: 1, more: false });
    expect(limits).toHaveLength(1);
    expect(logger.lines).toEqual([]);
    expect(metrics.flushes).toBe(1);
  });

  it('leaves the rest to the next sweep once the budget is spent', async () => {
    // Prepare: every batch is full and takes 20 s of a 45 s budget.
    const full = () => ({ pending: 5, written: 5 });
    const { handler, limits } = setup([full(), full(), full(), full(), full()], { tickMs: 20_000 });

    // Act
    const result = await handler();

    // Assess
    expect(limits).toHaveLength(3);
    expect(result).toEqual({ pending: 15, written: 15, batches: 3, more: true });
  });

  it('does not spin on a full batch that wrote nothing (a concurrent sweep took the matches)', async () => {
    // Prepare
    const { handler, limits } = setup([
      { pending: 5, written: 0 },
      { pending: 5, written: 5 },
    ]);

    // Act
    const result = await handler();

    // Assess
    expect(limits).toHaveLength(1);
    expect(result.more).toBe(false);
  });

  it('fails the invocation when a match failed, after flushing its metrics', async () => {
    // Prepare
    const failure = new AggregateError([new Error('Connection terminated')], '1 of 5 aggregations failed');
    const { handler, metrics } = setup([{ pending: 5, written: 5 }, failure]);

    // Act
    const sweep = handler();

    // Assess
    await expect(sweep).rejects.toBe(failure);
    expect(metrics.flushes).toBe(1);
  });
});

describe('stats-aggregation config', () => {
  it('reads the database and the batch settings, with defaults', async () => {
    // Act
    const config = loadConfig({ DATABASE_URL: 'postgres://geqo@db/geqo' });

    // Assess
    expect(config).toEqual({
      logLevel: 'info',
      database: { kind: 'url', url: 'postgres://geqo@db/geqo' },
      batchSize: 20,
      budgetMs: 45_000,
    });
  });

  it('names every bad variable at once', async () => {
    // Prepare
    let problems: readonly string[] = [];

    // Act
    try {
      loadConfig({ AGGREGATION_BATCH_SIZE: '0', AGGREGATION_BUDGET_MS: 'soon', DB_HOST: 'proxy' });
    } catch (error) {
      if (error instanceof ConfigError) problems = error.problems;
    }

    // Assess
    expect(problems).toEqual([
      'DB_NAME is required',
      'DB_USER is required',
      'AWS_REGION is required',
      'AGGREGATION_BATCH_SIZE must be an integer from 1 to 500 (got "0")',
      'AGGREGATION_BUDGET_MS must be an integer from 1000 to 900000 (got "soon")',
    ]);
  });
});
