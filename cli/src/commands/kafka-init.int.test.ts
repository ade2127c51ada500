import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { Admin } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KafkaBroker, startKafkaBroker } from '../../../test/services/kafka-broker.ts';
import { uniqueName } from '../../../test/services/unique-name.ts';

const GEQO = resolve(import.meta.dirname, '../../../bin/geqo.mjs');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `geqo kafka init` with its own topic names (GEQO_RAW_STREAM / GEQO_PROCESSED_STREAM). */
async function kafkaInit(names: { raw: string; processed: string }, ...args: string[]): Promise<Run> {
  const env = { ...process.env, GEQO_RAW_STREAM: names.raw, GEQO_PROCESSED_STREAM: names.processed };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [GEQO, 'kafka', 'init', ...args], {
      env,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

function topicNames() {
  return { raw: uniqueName('raw-game-events'), processed: uniqueName('processed-game-events') };
}

describe('geqo kafka init against a real Kafka 4 broker', { timeout: 90_000 }, () => {
  let broker: KafkaBroker;
  let admin: Admin;

  beforeAll(async () => {
    broker = await startKafkaBroker();
    admin = new Admin({ clientId: 'geqo-test-admin', bootstrapBrokers: broker.brokers });
  });

  afterAll(async () => {
    await admin?.close();
    await broker?.stop();
  });

  async function partitionCounts(topics: string[]): Promise<number[]> {
    const metadata = await admin.metadata({ topics, forceUpdate: true });
    return topics.map((topic) => metadata.topics.get(topic)?.partitionsCount ?? 0);
  }

  it('creates the three topics with the asked partitions, then reports them up to date', async () => {
    // Prepare
    const names = topicNames();
    const brokers = `--brokers=${broker.brokers.join(',')}`;

    // Act
    const first = await kafkaInit(names, brokers, '--partitions', '4', '--replication-factor', '1');
    const second = await kafkaInit(names, brokers, '--partitions', '4', '--replication-factor', '1');

    // Assess
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`${names.raw}: created (4 partitions, replication factor 1)`);
    expect(first.stdout).toContain(`${names.processed}: created`);
    expect(first.stdout).toContain(`${names.raw}-dlq: created`);
    expect(await partitionCounts([names.raw, names.processed, `${names.raw}-dlq`])).toEqual([4, 4, 4]);
    expect(second.code).toBe(0);
    expect(second.stdout.match(/: up to date/g)).toHaveLength(3);
    expect(second.stdout).toContain('kafka topics up to date');
  });

  it('reports an existing topic whose partitions, replication factor or min.insync.replicas differ, changes nothing, and exits 1', async () => {
    // Prepare: the raw topic made beforehand with one partition, the others with three.
    const names = topicNames();
    await admin.createTopics({ topics: [names.raw], partitions: 1, replicas: 1 });
    await admin.createTopics({ topics: [names.processed, `${names.raw}-dlq`], partitions: 3, replicas: 1 });

    // Act
    const run = await kafkaInit(
      names,
      `--brokers=${broker.brokers.join(',')}`,
      '--partitions=3',
      '--replication-factor=2',
      '--min-insync-replicas=2',
    );

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `${names.raw}: differs: partitions 1 (wanted 3), replication factor 1 (wanted 2), min.insync.replicas 1 (wanted 2)`,
    );
    expect(run.stdout).toContain(`${names.processed}: differs: replication factor 1 (wanted 2)`);
    expect(run.stderr).toMatch(/^geqo: 3 existing topic\(s\) differ/);
    expect(await partitionCounts([names.raw])).toEqual([1]);
  });

  it('names the topic it cannot create (a replication factor above the broker count), and exits 1', async () => {
    // Act
    const names = topicNames();
    const run = await kafkaInit(
      names,
      `--brokers=${broker.brokers.join(',')}`,
      '--partitions=2',
      '--replication-factor=3',
    );

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(`^geqo: cannot create topic ${names.raw}: .*replication factor`, 'i'),
    );
  });

  it('says in one line that the broker cannot be reached, and exits 1', async () => {
    // Act
    const run = await kafkaInit(topicNames(), '--brokers=127.0.0.1:1', '--partitions=3');

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('geqo: cannot reach Kafka at 127.0.0.1:1 (connect ECONNREFUSED 127.0.0.1:1)\n');
  });
});
