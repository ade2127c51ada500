import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CreateStreamCommand, waitUntilStreamExists } from '@aws-sdk/client-kinesis';
import { createKinesisClient } from '../../shared/adapters/kinesis/index.ts';
import { stopChild } from './child-process.ts';
import { listeningPorts } from './listening-ports.ts';
import { OutputTail } from './output-tail.ts';

export interface KinesisLocal {
  /** The plain-HTTP endpoint, for `createKinesisClient({ endpoint, region })`. */
  endpoint: string;
  region: string;
  /** Creates a stream and waits until it is ACTIVE. */
  createStream(name: string, shardCount: number): Promise<void>;
  /** Stops the server and removes its working directory. */
  stop(): Promise<void>;
}

const REGION = 'us-east-1';

/**
 * Starts kinesis-local (the kinesis-mock engine) as `node main.js` from its package folder, in a
 * temporary working directory that holds its `server.json` (the TLS certificate it loads at start).
 * Nothing is persisted; use a unique stream name per test.
 *
 * It binds both its ports itself (port 0) and they are found in /proc: with ports picked
 * beforehand, two test files starting at once can be handed the same free port, and the second
 * server dies of EADDRINUSE while its test, seeing the port open, talks to the first file's
 * server. Here each test talks to its own process or fails at start. Linux only (/proc).
 */
export async function startKinesisLocal(): Promise<KinesisLocal> {
  const packageDir = dirname(createRequire(import.meta.url).resolve('kinesis-local/package.json'));
  const workDir = mkdtempSync(join(tmpdir(), 'geqo-kinesis-local-'));
  copyFileSync(join(packageDir, 'server.json'), join(workDir, 'server.json'));
  const child = spawn(process.execPath, [join(packageDir, 'main.js')], {
    cwd: workDir,
    env: {
      ...process.env,
      KINESIS_MOCK_PLAIN_PORT: '0',
      KINESIS_MOCK_TLS_PORT: '0',
      AWS_REGION: REGION,
      LOG_LEVEL: 'WARN',
      SHOULD_PERSIST_DATA: 'false',
      CREATE_STREAM_DURATION: '50ms',
      DELETE_STREAM_DURATION: '50ms',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = new OutputTail();
  output.follow(child.stdout);
  output.follow(child.stderr);
  // If the test process dies without stop(), the server must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    await stopChild(child, 5_000);
    rmSync(workDir, { recursive: true, force: true });
  };
  let plainPort: number;
  try {
    plainPort = await findPlainPort(child.pid ?? -1, () => child.exitCode !== null, output);
  } catch (error) {
    await stop();
    throw error;
  }
  const endpoint = `http://127.0.0.1:${plainPort}`;
  return {
    endpoint,
    region: REGION,
    createStream: async (name, shardCount) => {
      const client = createKinesisClient({ endpoint, region: REGION });
      try {
        await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
        await waitUntilStreamExists({ client, maxWaitTime: 30, minDelay: 1 }, { StreamName: name });
      } finally {
        client.destroy();
      }
    },
    stop,
  };
}

/**
 * Waits until the process listens on its two ports (TLS and plain HTTP) and tells them apart: the
 * plain one answers `GET /healthcheck`.
 */
async function findPlainPort(pid: number, exited: () => boolean, output: OutputTail): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited()) throw new Error(`kinesis-local exited before it listened\n${output}`);
    const ports = listeningPorts(pid);
    if (ports.length >= 2) {
      for (const port of ports) if (await answersHealthcheck(port)) return port;
    }
    if (Date.now() > deadline) throw new Error(`kinesis-local not listening after 30 s\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function answersHealthcheck(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthcheck`, {
      signal: AbortSignal.timeout(1_000),
    });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}
