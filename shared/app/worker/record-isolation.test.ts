import { describe, expect, it } from 'vitest';
import { PARTITION_FENCED_SQLSTATE, PipelineError, UnavailableError } from '../../ports/index.ts';
import { classifyFailure, isPartitionFenced, processWithIsolation } from './record-isolation.ts';

const sqlError = (code: string) => Object.assign(new Error(`sqlstate ${code}`), { code });

describe('classifyFailure', () => {
  it.each([
    ['08006 (connection failure)', sqlError('08006')],
    ['08001 (cannot connect)', sqlError('08001')],
    ['40001 (serialization failure)', sqlError('40001')],
    ['40P01 (deadlock)', sqlError('40P01')],
    ['57P01 (admin shutdown)', sqlError('57P01')],
    ['57P03 (starting up)', sqlError('57P03')],
    ['53300 (too many connections)', sqlError('53300')],
    ['ECONNREFUSED', sqlError('ECONNREFUSED')],
    ['ECONNRESET', sqlError('ECONNRESET')],
    ['EPIPE', sqlError('EPIPE')],
    ['ETIMEDOUT', sqlError('ETIMEDOUT')],
    ['pg: Connection terminated unexpectedly', new Error('Connection terminated unexpectedly')],
    ['an AggregateError of refused connections', new AggregateError([sqlError('ECONNREFUSED')], 'x')],
    ['a retriable PipelineError', new UnavailableError('database down')],
  ])('calls %s transient', (_, error) => {
    expect(classifyFailure(error)).toBe('transient');
  });

  it.each([
    ['22P05 (NUL in jsonb)', sqlError('22P05')],
    ['22008 (datetime out of range)', sqlError('22008')],
    ['23502 (not null)', sqlError('23502')],
    ['42601 (syntax error)', sqlError('42601')],
    ['a RangeError (Invalid time value)', new RangeError('Invalid time value')],
    ['a TypeError', new TypeError('x is undefined')],
    ['a plain Error', new Error('something else')],
    ['a non-retriable PipelineError', new PipelineError('SCHEMA', 'bad', false)],
  ])('calls %s permanent', (_, error) => {
    expect(classifyFailure(error)).toBe('permanent');
  });
});

describe('processWithIsolation', () => {
  /** A batch step that fails (permanently) whenever a slice holds a poison record, and keeps what it committed. */
  function steps(poison: ReadonlySet<number>, error: Error = new RangeError('Invalid time value')) {
    const committed: number[] = [];
    const deadLettered: { record: number; error: unknown }[] = [];
    return {
      committed,
      deadLettered,
      process: async (slice: readonly number[]) => {
        if (slice.some((r) => poison.has(r))) throw error;
        committed.push(...slice);
      },
      deadLetter: async (record: number, failure: unknown) => {
        deadLettered.push({ record, error: failure });
      },
    };
  }

  it('commits a batch that succeeds in one go', async () => {
    const s = steps(new Set());
    const report = await processWithIsolation([1, 2, 3], s);
    expect(s.committed).toEqual([1, 2, 3]);
    expect(report.deadLettered).toBe(0);
  });

  it('dead-letters exactly the records that fail alone, and commits every other one in order', async () => {
    const records = Array.from({ length: 37 }, (_, i) => i);
    const s = steps(new Set([5, 6, 30]));
    const report = await processWithIsolation(records, s);
    expect(s.deadLettered.map((d) => d.record)).toEqual([5, 6, 30]);
    expect(s.committed).toEqual(records.filter((r) => ![5, 6, 30].includes(r)));
    expect(report.deadLettered).toBe(3);
    expect(s.deadLettered[0]?.error).toBeInstanceOf(RangeError);
  });

  it('rethrows a transient failure at once and dead-letters nothing', async () => {
    const s = steps(new Set([2]), Object.assign(new Error('connection failure'), { code: '08006' }));
    await expect(processWithIsolation([1, 2, 3], s)).rejects.toMatchObject({ code: '08006' });
    expect(s.deadLettered).toEqual([]);
    expect(s.committed).toEqual([]);
  });

  it('never splits or dead-letters a batch refused because another worker took its partition', async () => {
    const fenced = Object.assign(new Error('fenced: partition 2 of raw-game-events'), {
      code: PARTITION_FENCED_SQLSTATE,
    });
    const s = steps(new Set([1, 2, 3]), fenced);
    await expect(processWithIsolation([1, 2, 3], s)).rejects.toBe(fenced);
    expect(s.deadLettered).toEqual([]);
    expect(isPartitionFenced(new PipelineError('X', 'wrapped', false, { cause: fenced }))).toBe(true);
    expect(isPartitionFenced(sqlError('23505'))).toBe(false);
  });
});
