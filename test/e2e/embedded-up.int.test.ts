/**
 * `geqo up` as a user first meets it: no DATABASE_URL, so it runs its own embedded PostgreSQL.
 * A match with positions goes in; the events are stored (positions readable through
 * `position_samples`), the worker's database sessions run at the lower priority, nothing is
 * warned on stderr, and Ctrl-C stops it cleanly.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planFrames } from '../../cli/src/replay/frame-batcher.ts';
import { PluginClient } from '../../cli/src/replay/plugin-client.ts';
import {
  freePort,
  type RuntimeProcess,
  startRuntimeProcess,
} from '../../local/src/process/runtime-process.ts';
import { WORKER_NICE } from '../../local/src/worker-thread/priority.ts';
import { countEvents, waitForCount } from '../helpers/stored-events.ts';

let dataDir: string;
let runtime: RuntimeProcess;
let databaseUrl: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'geqo-embedded-up-'));
  // As root, the embedded server runs as user postgres, which must reach its data folder.
  chmodSync(dataDir, 0o755);
  const pgPort = await freePort();
  runtime = await startRuntimeProcess({ dataDir, env: { DATABASE_URL: '', GEQO_PG_PORT: String(pgPort) } });
  // The cluster's own password, made at its first start and kept beside its data.
  const password = readFileSync(join(dataDir, 'postgres.password'), 'utf8').trim();
  databaseUrl = `postgres://postgres:${password}@127.0.0.1:${pgPort}/geqo`;
}, 120_000);

afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
});

/** The nice value of a process (field 19 of /proc/<pid>/stat); null once it has ended. */
const niceOf = (pid: number): number | null => {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[16]);
  } catch {
    return null;
  }
};

describe('geqo up on its embedded PostgreSQL', () => {
  it('stores a match, with positions, at a lower priority for the worker, on the WAL settings of the README, and stops cleanly without warnings', async () => {
    // Prepare
    const api = `http://127.0.0.1:${runtime.httpPort}`;
    const created = await fetch(`${api}/v1/servers`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'embedded' }),
    });
    const { token, serverId } = (await created.json()) as { token: string; serverId: string };
    const events = generateSyntheticMatch({ rounds: 2 });
    const frames = planFrames(events, { server: serverId, session: 'embedded-session' });

    // Act
    const stats = await new PluginClient(frames, {
      url: `ws://127.0.0.1:${runtime.ingestPort}/`,
      token,
    }).run();
    await waitForCount(() => countEvents(databaseUrl), events.length, 60_000);
    const db = new pg.Client(databaseUrl);
    await db.connect();
    const samples = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM position_samples');
    const sessions = await db.query<{ pid: number; application_name: string }>(
      `SELECT pid, application_name FROM pg_stat_activity WHERE application_name LIKE 'geqo-up%'`,
    );
    const wal = await db.query<{ name: string; setting: string; unit: string | null }>(
      `SELECT name, setting, unit FROM pg_settings
        WHERE name IN ('wal_buffers', 'wal_init_zero', 'wal_writer_delay', 'max_wal_size', 'backend_flush_after',
                       'data_checksums')
        ORDER BY name`,
    );
    await db.end();
    // Sessions still open (an idle one may have been closed since).
    const nice = sessions.rows
      .map(({ pid, application_name }) => ({ application_name, nice: niceOf(pid) }))
      .filter((session) => session.nice !== null);
    const code = await runtime.stop();

    // Assess
    expect(stats.rejectedFrames).toBe(0);
    const positions = events.filter((event) => event.type === 'positions');
    expect(samples.rows[0]?.n).toBe(positions.reduce((n, event) => n + event.players.length, 0));
    expect(nice.some((session) => session.application_name === 'geqo-up-worker')).toBe(true);
    for (const session of nice)
      expect(session.nice).toBe(session.application_name === 'geqo-up-worker' ? WORKER_NICE : 0);
    // The WAL and write-back settings that keep an ack's flush short under the worker's writes, and
    // a cluster without data checksums (no whole page in the WAL for a page's first hint bits
    // after a checkpoint), as the README says.
    expect(wal.rows).toEqual([
      { name: 'backend_flush_after', setting: '32', unit: '8kB' },
      { name: 'data_checksums', setting: 'off', unit: null },
      { name: 'max_wal_size', setting: '16384', unit: 'MB' },
      { name: 'wal_buffers', setting: '8192', unit: '8kB' },
      { name: 'wal_init_zero', setting: 'off', unit: null },
      { name: 'wal_writer_delay', setting: '10', unit: 'ms' },
    ]);
    expect(code).toBe(0);
    expect(runtime.stderr()).not.toMatch(/Warning/);
  });
});
