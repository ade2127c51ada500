/**
 * Autovacuum is background work: on the embedded server, which shares this machine's cores with
 * ingest and the worker, its workers run at nice 19 (below the worker's 10, see
 * `worker-thread/priority.ts`). They take the cycles the pipeline leaves and yield to it otherwise,
 * so a vacuum of the day's partition (tens of millions of rows by evening, at 30,000 events/s) no
 * longer takes the worker's share of the processor while it runs. A vacuum then lasts longer;
 * the event partitions only take inserts, so nothing waits for it. Linux only; elsewhere, or
 * without permission, nothing changes. The checkpointer and the WAL writer keep their priority:
 * every ack waits for a WAL flush.
 *
 * Autovacuum starts a new process for each table it vacuums: the server is asked for them once a
 * second, so one runs at its first priority for at most about a second.
 */
import { setPriority } from 'node:os';
import type { Logger } from '@geqo/shared/ports';
import type pg from 'pg';
import { isPostgresProcess } from '../worker-thread/priority.ts';

/** The nice value of autovacuum's workers on the embedded server. */
export const MAINTENANCE_NICE = 19;

export interface MaintenancePriorityDeps {
  /** The pids of the server's autovacuum workers now. */
  autovacuumWorkers: () => Promise<number[]>;
  /** Lowers one process's priority (a test passes its own). */
  lower?: (pid: number, nice: number) => void;
  logger: Logger;
  intervalMs?: number;
}

/** Lowers each autovacuum worker's priority once, as it appears. `stop` ends the polling. */
export function lowerMaintenancePriority(deps: MaintenancePriorityDeps): {
  stop(): void;
  check(): Promise<void>;
} {
  const lower =
    deps.lower ??
    ((pid: number, nice: number) => {
      // Only a PostgreSQL process of this machine (the embedded server's).
      if (isPostgresProcess(pid)) setPriority(pid, nice);
    });
  let lowered = new Set<number>();
  let checking = false;
  const check = async () => {
    if (checking) return;
    checking = true;
    try {
      const pids = await deps.autovacuumWorkers();
      const now = new Set<number>();
      for (const pid of pids) {
        now.add(pid);
        if (lowered.has(pid)) continue;
        try {
          lower(pid, MAINTENANCE_NICE);
        } catch (error) {
          deps.logger.debug('could not lower an autovacuum worker priority', { pid, error: String(error) });
        }
      }
      // Pids of workers that ended may be used again by new processes.
      lowered = now;
    } catch (error) {
      deps.logger.debug('could not list autovacuum workers', { error: String(error) });
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => void check(), deps.intervalMs ?? 1_000);
  timer.unref();
  return { stop: () => clearInterval(timer), check };
}

/** The autovacuum workers of the server behind `pool`. */
export function autovacuumWorkersOf(pool: pg.Pool): () => Promise<number[]> {
  return async () => {
    const { rows } = await pool.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'",
    );
    return rows.map((row) => row.pid);
  };
}
