/**
 * Integration tests share one real PostgreSQL server: `GEQO_TEST_DATABASE_URL` when set (e.g. the
 * Debian cluster in CI), else an embedded server started here for this run. Each test file
 * creates its own database from it (see `database.ts`), so files never collide; each run has its
 * own data folder, so runs side by side never collide either.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, stopRunningPostgres } from '../../local/src/postgres/embedded-postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}

// Under the system's temporary folder, not the checkout: as root the server runs as user
// `postgres`, which must be able to reach its data folder, and a checkout may sit in a home
// folder it cannot enter.
const ROOT = join(tmpdir(), 'geqo-test-postgres');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes the data folders of earlier runs whose process is gone (stopping their server). */
async function removeStaleRuns(): Promise<void> {
  if (!existsSync(ROOT)) return;
  for (const entry of readdirSync(ROOT)) {
    const pid = Number(entry);
    if (Number.isInteger(pid) && alive(pid)) continue;
    await stopRunningPostgres(resolve(ROOT, entry, 'data'));
    rmSync(resolve(ROOT, entry), { recursive: true, force: true });
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.GEQO_TEST_DATABASE_URL;
  if (external) {
    project.provide('postgresAdminUrl', external);
    return async () => {};
  }
  await removeStaleRuns();
  const runDir = resolve(ROOT, String(process.pid));
  mkdirSync(runDir, { recursive: true });
  chmodSync(ROOT, 0o755);
  chmodSync(runDir, 0o755);
  const port = 55_000 + Math.floor(Math.random() * 5_000);
  const server = await startEmbeddedPostgres({ dataDir: resolve(runDir, 'data'), port });
  project.provide('postgresAdminUrl', server.url);
  return async () => {
    await server.stop();
    rmSync(runDir, { recursive: true, force: true });
  };
}
