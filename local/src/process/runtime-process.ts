import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface RuntimeProcess {
  child: ChildProcess;
  /** The plugin port; 0 for a process without the ingest role (`--role`), which opens none. */
  ingestPort: number;
  httpPort: number;
  /** Log lines (JSON objects) seen so far. */
  logs: Record<string, unknown>[];
  /** What the process wrote to stderr so far (warnings, the banner). */
  stderr(): string;
  /** Stops with SIGINT and waits for a clean exit (returns its exit code). */
  stop(): Promise<number | null>;
  /** SIGKILL: no chance to drain or checkpoint. */
  kill(): Promise<void>;
}

/** A free TCP port on loopback (for a runtime that must come back on the same port). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

const GEQO_BIN = fileURLToPath(new URL('../../../bin/geqo.mjs', import.meta.url));

/**
 * Runs `geqo up` as a child process, as a user would, and waits for its `ready` log line. Used by
 * the end-to-end tests and the benchmark. Without `databaseUrl` it runs its embedded PostgreSQL
 * in `dataDir`.
 */
export async function startRuntimeProcess(options: {
  databaseUrl?: string;
  dataDir?: string;
  ingestPort?: number;
  httpPort?: number;
  env?: Record<string, string>;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** Extra `geqo up` arguments, e.g. `['--role', 'worker']`. */
  args?: string[];
  /** Another checkout's `bin/geqo.mjs` (the benchmark's A/B runs); this one's by default. */
  bin?: string;
}): Promise<RuntimeProcess> {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), options.bin ?? GEQO_BIN, 'up', ...(options.args ?? [])],
    {
      env: {
        ...process.env,
        ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
        ...(options.dataDir ? { GEQO_DATA_DIR: options.dataDir } : {}),
        GEQO_HOST: '127.0.0.1',
        GEQO_INGEST_PORT: String(options.ingestPort ?? 0),
        GEQO_HTTP_PORT: String(options.httpPort ?? 0),
        GEQO_LOG_LEVEL: 'info',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  if (process.env.GEQO_RUNTIME_STDOUT) child.stdout?.pipe(createWriteStream(process.env.GEQO_RUNTIME_STDOUT));
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const ready = new Promise<{ ingestPort: number; httpPort: number }>((resolveReady, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'ready') {
          resolveReady({ ingestPort: Number(entry.ingestPort ?? 0), httpPort: Number(entry.httpPort) });
        }
      } catch {
        // not a log line
      }
    });
    void exited.then((code) => reject(new Error(`geqo up exited (${code}) before it was ready:\n${stderr}`)));
    setTimeout(() => reject(new Error(`geqo up not ready after 60 s:\n${stderr}`)), 60_000).unref();
  });
  const ports = await ready;
  return {
    child,
    ...ports,
    logs,
    stderr: () => stderr,
    stop: async () => {
      child.kill('SIGINT');
      return exited;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
