import { silentLogger } from '@geqo/shared/adapters/logging';
import { describe, expect, it } from 'vitest';
import { lowerMaintenancePriority, MAINTENANCE_NICE } from './maintenance-priority.ts';

describe('autovacuum workers on the embedded server', () => {
  it('lowers each worker to nice 19 once, as it appears, and again for a new process that reuses a pid', async () => {
    // Arrange: the server's autovacuum workers over four checks
    const seen = [[101], [101, 102], [102], [101]];
    const lowered: [number, number][] = [];
    const maintenance = lowerMaintenancePriority({
      autovacuumWorkers: async () => seen.shift() ?? [],
      lower: (pid, nice) => lowered.push([pid, nice]),
      logger: silentLogger,
      intervalMs: 60_000,
    });

    // Act
    for (let i = 0; i < 4; i++) await maintenance.check();
    maintenance.stop();

    // Assess: 101, then 102, then 101 again (a new process: the first 101 was gone a check before)
    expect(lowered).toEqual([
      [101, MAINTENANCE_NICE],
      [102, MAINTENANCE_NICE],
      [101, MAINTENANCE_NICE],
    ]);
    expect(MAINTENANCE_NICE).toBe(19);
  });

  it('goes on when the server cannot be asked or a priority cannot be changed', async () => {
    let calls = 0;
    const maintenance = lowerMaintenancePriority({
      autovacuumWorkers: async () => {
        calls += 1;
        if (calls === 1) throw new Error('connection refused');
        return [7];
      },
      lower: () => {
        throw new Error('EPERM');
      },
      logger: silentLogger,
      intervalMs: 60_000,
    });

    await maintenance.check();
    await maintenance.check();
    maintenance.stop();

    expect(calls).toBe(2);
  });
});
