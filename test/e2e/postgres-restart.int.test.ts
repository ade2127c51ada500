/**
 * `geqo up` supervises its embedded PostgreSQL: when the server's process is killed, it is started
 * again, `/healthz` comes back to 200 without anyone acting, and frames are stored again.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planFrames } from '../../cli/src/replay/frame-batcher.ts';
import { PluginClient } from '../../cli/src/replay/plugin-client.ts';
import { findRunningPostgres } from '../../local/src/postgres/embedded-postgres.ts';
import {
  freePort,
  type RuntimeProcess,
  startRuntimeProcess,
} from '../../local/src/process/runtime-process.ts';

let dataDir: string;
let runtime: RuntimeProcess;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'geqo-pg-restart-'));
  chmodSync(dataDir, 0o755);
  runtime = await startRuntimeProcess({
    dataDir,
    env: { DATABASE_URL: '', GEQO_PG_PORT: String(await freePort()) },
  });
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const health = (): Promise<number> =>
  fetch(`http://127.0.0.1:${runtime.httpPort}/healthz`).then(
    (response) => response.status,
    () => 0,
  );

describe('geqo up when its embedded PostgreSQL dies', () => {
  it('starts it again within seconds: /healthz returns to 200 and a replay is acknowledged', async () => {
    // Prepare
    expect(await health()).toBe(200);
    const postmaster = findRunningPostgres(join(dataDir, 'postgres'));

    // Act
    process.kill(postmaster?.pid ?? 0, 'SIGKILL');
    const killedAt = Date.now();
    let status = 0;
    while (Date.now() - killedAt < 30_000) {
      await new Promise((r) => setTimeout(r, 250));
      status = await health();
      if (status === 200 && findRunningPostgres(join(dataDir, 'postgres'))?.pid !== postmaster?.pid) break;
    }
    const recoveredMs = Date.now() - killedAt;
    const created = await fetch(`http://127.0.0.1:${runtime.httpPort}/v1/servers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-geqo-admin': '1' },
      body: JSON.stringify({ name: 'after restart' }),
    });
    const { token, serverId } = (await created.json()) as { token: string; serverId: string };
    const events = generateSyntheticMatch({ rounds: 1 });
    const stats = await new PluginClient(planFrames(events, { server: serverId, session: 'restart' }), {
      url: `ws://127.0.0.1:${runtime.ingestPort}/`,
      token,
    }).run();

    // Assess
    expect(status).toBe(200);
    expect(recoveredMs).toBeLessThan(15_000);
    expect(stats.ackedEvents).toBe(events.length);
    expect(runtime.logs.some((entry) => String(entry.msg).includes('embedded PostgreSQL restarted'))).toBe(
      true,
    );
  });
});
