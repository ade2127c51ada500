import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CreateStreamCommand, waitUntilStreamExists } from '@aws-sdk/client-kinesis';
import { freePort } from '../../local/src/process/runtime-process.ts';
import { createKinesisClient } from '../../shared/adapters/kinesis/index.ts';
import { stopChild, waitForPort } from './child-process.ts';
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
 * temporary working directory that holds its `server.json` (the TLS certificate it loads at start),
 * on free loopback ports. Nothing is persisted. Use a unique stream name per test.
 */
export async function startKinesisLocal(): Promise<KinesisLocal> {
  const packageDir = dirname(createRequire(import.meta.url).resolve('kinesis-local/package.json'));
  const workDir = mkdtempSync(join(tmpdir(), 'geqo-kinesis-local-'));
  copyFileSync(join(packageDir, 'server.json'), join(workDir, 'server.json'));
  const [plainPort, tlsPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [join(packageDir, 'main.js')], {
    cwd: workDir,
    env: {
      ...process.env,
      KINESIS_MOCK_PLAIN_PORT: String(plainPort),
      KINESIS_MOCK_TLS_PORT: String(tlsPort),
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
  const stop = async () => {
    await stopChild(child, 5_000);
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    await waitForPort(plainPort, { timeoutMs: 30_000, child, describe: () => output.toString() });
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
