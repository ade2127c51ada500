/**
 * Ingest is latency work (a plugin waits for each ack); the worker is throughput work (it only
 * has to keep up). On a small machine both compete for the same cores, so the worker thread, and
 * its sessions on an embedded PostgreSQL, run at a lower priority: they take every spare cycle
 * but yield when an ack is due. Linux only; elsewhere, or without permission, nothing changes.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import type { Logger } from '@geqo/shared/ports';
import type pg from 'pg';

/** The nice value of the worker's thread and sessions. */
export const WORKER_NICE = 10;

/** This thread's kernel id, from `/proc/thread-self` (Linux). */
function currentThreadId(): number | null {
  try {
    const id = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
    return Number.isInteger(id) && id > 0 ? id : null;
  } catch {
    return null;
  }
}

/** Lowers the calling thread's priority. */
export function lowerThreadPriority(logger: Logger, nice = WORKER_NICE): void {
  const threadId = currentThreadId();
  if (threadId === null) return;
  try {
    setPriority(threadId, nice);
    logger.debug('worker thread priority lowered', { threadId, nice });
  } catch (error) {
    logger.debug('could not lower the worker thread priority', { error: String(error) });
  }
}

/**
 * Lowers the priority of the PostgreSQL backend behind each new connection of `pool`. Only for a
 * server on this machine that geqo runs (the embedded one): the backend pid is checked to be a
 * PostgreSQL process here before anything is changed.
 */
export function lowerBackendPriority(pool: pg.Pool, logger: Logger, nice = WORKER_NICE): void {
  pool.on('connect', (client) => {
    // The server tells each connection its backend pid at start-up (no query needed).
    const pid = (client as pg.PoolClient & { processID?: number | null }).processID;
    if (typeof pid !== 'number' || !isPostgresProcess(pid)) return;
    try {
      setPriority(pid, nice);
    } catch (error) {
      logger.debug('could not lower a database session priority', { pid, error: String(error) });
    }
  });
}

export function isPostgresProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('postgres');
  } catch {
    return false;
  }
}
