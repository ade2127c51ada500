import { describe, expect, it } from 'vitest';
import { SnapshotSchedule } from './snapshot-schedule.ts';

describe('SnapshotSchedule', () => {
  it('saves a server whose change cannot be read again (the first batch after a start) at once', () => {
    const schedule = new SnapshotSchedule(1_000);
    schedule.changed('a', '1', undefined);
    expect(schedule.due(0)).toEqual(['a']);
  });

  it('puts off a server saved less than everyMs ago and holds the checkpoint before its first unsaved change', () => {
    const schedule = new SnapshotSchedule(1_000);
    schedule.changed('a', '1', undefined);
    schedule.saved(schedule.due(0), 0);
    schedule.passed('1');
    schedule.changed('b', '2', '1');
    schedule.saved(schedule.due(0), 0);
    schedule.passed('2');
    // a changes again at 3, b at 4: neither is due 500 ms later.
    schedule.changed('a', '3', '2');
    schedule.changed('b', '4', '3');
    schedule.passed('4');
    expect(schedule.due(500)).toEqual([]);
    expect(schedule.checkpointOffset('4')).toBe('2');
    expect(schedule.positionOf('a')).toBe('3');
    // At 1 s both are due; once saved, the checkpoint is the batch's own.
    expect(schedule.due(1_000)).toEqual(['a', 'b']);
    schedule.saved(['a'], 1_000);
    expect(schedule.checkpointOffset('4')).toBe('3');
    schedule.saved(['b'], 1_000);
    expect(schedule.checkpointOffset('4')).toBe('4');
    expect(schedule.pending).toBe(0);
  });

  it('takes a batch’s first change as re-read from the last record prepared', () => {
    const schedule = new SnapshotSchedule(1_000);
    schedule.changed('a', '5', undefined);
    schedule.saved(schedule.due(0), 0);
    schedule.passed('9');
    schedule.changed('a', '10', undefined);
    expect(schedule.checkpointOffset('12')).toBe('9');
  });

  it('saves every unsaved server when asked for all, and forgets everything on clear', () => {
    const schedule = new SnapshotSchedule(60_000);
    schedule.changed('a', '1', undefined);
    schedule.saved(schedule.due(0), 0);
    schedule.passed('1');
    schedule.changed('a', '2', '1');
    expect(schedule.due(10, true)).toEqual(['a']);
    schedule.clear();
    expect(schedule.pending).toBe(0);
    expect(schedule.position).toBeUndefined();
  });

  it('gives at most `most` due servers, those changed first, so servers due together spread over batches', () => {
    const schedule = new SnapshotSchedule(1_000);
    for (const [i, id] of ['a', 'b', 'c'].entries()) schedule.changed(id, String(i + 1), String(i));
    expect(schedule.due(5_000, false, 2)).toEqual(['a', 'b']);
    // One whose change cannot be read again comes whatever the limit.
    schedule.changed('d', '9', undefined);
    expect(schedule.due(5_000, false, 2)).toEqual(['a', 'b', 'd']);
  });

  it('plans a batch: due snapshots at their last positions, counted as written, and the checkpoint held back to the oldest change left unsaved', () => {
    const schedule = new SnapshotSchedule(1_000);
    schedule.changed('a', '1', undefined);
    schedule.changed('b', '2', undefined);
    const first = schedule.plan(0, false, () => true, '2', { stream: 'raw', consumer: 'w', offset: '2' });
    expect([...first.saving]).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
    expect(first.checkpoint).toEqual({ stream: 'raw', consumer: 'w', offset: '2' });
    schedule.changed('a', '3', '2');
    schedule.changed('b', '4', '3');
    // Saved at 0, so not due at 500: nothing written, the checkpoint stays before a's change.
    const second = schedule.plan(500, false, () => true, '4', { stream: 'raw', consumer: 'w', offset: '4' });
    expect(second.saving.size).toBe(0);
    expect(second.checkpoint).toEqual({ stream: 'raw', consumer: 'w', offset: '2' });
    // With no records and `all`: every server put off, and the checkpoint catches up with the last record.
    const idle = schedule.plan(600, true, () => true, undefined, {
      stream: 'raw',
      consumer: 'w',
      offset: '0',
    });
    expect([...idle.saving.keys()]).toEqual(['a', 'b']);
    expect(idle.checkpoint).toEqual({ stream: 'raw', consumer: 'w', offset: '4' });
  });

  it('refuses a partitioned checkpoint, which it cannot hold back', () => {
    expect(() =>
      new SnapshotSchedule(1_000).plan(0, true, () => true, '1', {
        stream: 'raw',
        consumer: 'w',
        partitions: [],
      }),
    ).toThrow(/partitioned checkpoint/);
  });
});
