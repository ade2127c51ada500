/**
 * A `geqo up` that fails after its embedded PostgreSQL started (here: the Kinesis stand-in it was
 * pointed at does not answer) stops that server before it exits, instead of leaving it running.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findRunningPostgres, stopRunningPostgres } from './postgres/embedded-postgres.ts';
import { freePort } from './process/runtime-process.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'geqo-failed-start-'));
chmodSync(dataDir, 0o755);
afterAll(async () => {
  await stopRunningPostgres(join(dataDir, 'postgres'));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('geqo up that fails to start', () => {
  it('stops the embedded PostgreSQL it started, and exits 1 with one line', async () => {
    // Prepare
    const env = {
      ...process.env,
      DATABASE_URL: '',
      GEQO_DATA_DIR: dataDir,
      GEQO_KINESIS_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      GEQO_LOG_FORMAT: 'json',
    };
    const args = ['--host', '127.0.0.1', '--http-port', '0', '--ingest-port', '0'];
    const child = spawn(
      process.execPath,
      [resolve('bin/geqo.mjs'), 'up', ...args, '--pg-port', String(await freePort()), '--stream', 'kinesis'],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });

    // Act
    const code = await new Promise<number | null>((done) => child.once('exit', done));

    // Assess
    expect(stdout).toContain('database ready');
    expect(code).toBe(1);
    expect(stderr.trim().split('\n').at(-1)).toMatch(/^geqo: .*ECONNREFUSED/);
    expect(findRunningPostgres(join(dataDir, 'postgres'))).toBeNull();
  });
});
