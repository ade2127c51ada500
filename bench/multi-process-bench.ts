/**
 * Several worker processes on Kafka (README, "Run on several machines"): `geqo up --role worker`
 * child processes in one consumer group on a real Kafka broker (the one the tests fetch), writing
 * to one embedded PostgreSQL.
 *
 * - Throughput: the workers wait on an empty topic of 12 partitions; the frames of N synthetic
 *   matches (12 servers) are put on it at once; events/s stored is the events over the time from
 *   the first put to the last event stored. With one worker, then two (on this machine's cores,
 *   which the broker and PostgreSQL share: two workers show what the group adds here, not what
 *   two machines would).
 * - Rebalance pause: two workers, twelve servers each sending a frame every 100 ms; one worker is
 *   killed (SIGKILL), and the pause is the time from its death until every server's snapshot
 *   position (`match_state.position`, written by each batch) moves again, i.e. until the dead
 *   worker's partitions are processed by the one left. A new worker then joins, and the next
 *   round kills one again. A SIGKILLed member is noticed when its session times out (10 s), so
 *   that is the floor of this figure; a clean stop (SIGTERM) leaves the group at once.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import pg from 'pg';
import { planFrames } from '../cli/src/replay/frame-batcher.ts';
import { startEmbeddedPostgres } from '../local/src/postgres/embedded-postgres.ts';
import { freePort, type RuntimeProcess, startRuntimeProcess } from '../local/src/process/runtime-process.ts';
import { ensureKafkaTopics, gameEventTopics, KafkaStreamProducer } from '../shared/adapters/kafka/index.ts';
import { encodeFrame } from '../shared/domain/codec/index.ts';
import { startKafkaBroker } from '../test/services/kafka-broker.ts';
import { type Figure, percentile } from './stats.ts';

const SERVERS = 12;
const PARTITIONS = 12;

export interface MultiProcessBenchOptions {
  /** Rounds of each of the 12 synthetic matches of the throughput runs (default 8). */
  rounds: number;
  /** Worker deaths timed (default 5). */
  rebalances: number;
  log: (line: string) => void;
}

export async function runMultiProcessBench(options: MultiProcessBenchOptions): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'geqo-multi-bench-'));
  chmodSync(dir, 0o755);
  options.log('multi-process: starting a Kafka broker and PostgreSQL…');
  const broker = await startKafkaBroker();
  const server = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), port: await freePort() });
  const workers: RuntimeProcess[] = [];
  let runs = 0;
  /** A fresh database and fresh topics, and `count` worker processes waiting on them. */
  const setUp = async (count: number) => {
    runs += 1;
    const name = `bench_multi_${runs}`;
    const admin = new pg.Client(server.url);
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(server.url);
    url.pathname = `/${name}`;
    const rawStream = `raw-bench-${runs}`;
    await ensureKafkaTopics({
      brokers: broker.brokers,
      topics: gameEventTopics(
        { rawStream, processedStream: `processed-bench-${runs}` },
        { partitions: PARTITIONS },
      ),
    });
    const env = {
      GEQO_STREAM: 'kafka',
      GEQO_KAFKA_BROKERS: broker.brokers.join(','),
      GEQO_RAW_STREAM: rawStream,
      GEQO_PROCESSED_STREAM: `processed-bench-${runs}`,
      GEQO_LOG_LEVEL: 'info',
    };
    const startWorker = async () => {
      const worker = await startRuntimeProcess({
        databaseUrl: url.toString(),
        env,
        args: ['--role', 'worker'],
      });
      workers.push(worker);
      return worker;
    };
    const started: RuntimeProcess[] = [];
    for (let i = 0; i < count; i += 1) started.push(await startWorker());
    await settled(started);
    return { databaseUrl: url.toString(), rawStream, workers: started, startWorker };
  };
  try {
    const figures: Figure[] = [];
    for (const count of [1, 2]) {
      options.log(
        `multi-process: ${SERVERS} matches of ${options.rounds} rounds through ${count} worker(s)…`,
      );
      const run = await setUp(count);
      const rate = await storedPerSecond(broker.brokers, run, options.rounds);
      figures.push({
        name: `${count} worker process${count > 1 ? 'es' : ''}: events/s stored`,
        value: rate,
        unit: 'events/s',
      });
      for (const worker of run.workers) await worker.stop();
    }
    options.log(`multi-process: timing ${options.rebalances} rebalances after a worker is killed…`);
    const pauses = await rebalancePauses(broker.brokers, await setUp(2), options.rebalances, options.log);
    figures.push(
      { name: 'rebalance pause after SIGKILL: p50', value: Math.round(percentile(pauses, 50)), unit: 'ms' },
      { name: 'rebalance pause after SIGKILL: max', value: Math.round(Math.max(...pauses)), unit: 'ms' },
    );
    return figures;
  } finally {
    for (const worker of workers) {
      if (worker.child.exitCode === null && worker.child.signalCode === null) await worker.kill();
    }
    await server.stop();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every worker has joined the group at least once (its rebalance counter shows), then a moment. */
async function settled(workers: readonly RuntimeProcess[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (const worker of workers) {
    for (;;) {
      const text = await (await fetch(`http://127.0.0.1:${worker.httpPort}/metrics`)).text();
      if (/^geqo_stream_rebalances_total\{[^}]*\} [1-9]/m.test(text)) break;
      if (Date.now() > deadline) throw new Error('a worker did not join its consumer group in 60 s');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await new Promise((r) => setTimeout(r, 2_000));
}

/** Frames of one match per server, put at once; events over the time until all are stored. */
async function storedPerSecond(
  brokers: string[],
  run: { databaseUrl: string; rawStream: string },
  rounds: number,
): Promise<number> {
  const events = generateSyntheticMatch({ rounds, seed: 3, startTs: Date.now() });
  const producer = new KafkaStreamProducer({ brokers });
  const client = new pg.Client(run.databaseUrl);
  await client.connect();
  try {
    const total = events.length * SERVERS;
    const started = Date.now();
    for (let s = 0; s < SERVERS; s += 1) {
      const serverId = `srv_bench${String(s).padStart(7, '0')}`;
      const records = planFrames(events, { server: serverId, session: 'bench' }).map((planned) => ({
        partitionKey: serverId,
        data: planned.bytes,
      }));
      // In puts of 100 frames: a whole match in one produce request is over the broker's 1 MB.
      for (let at = 0; at < records.length; at += 100)
        await producer.put(run.rawStream, records.slice(at, at + 100));
    }
    for (;;) {
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM game_events');
      if ((rows[0]?.n ?? 0) >= total) break;
      if (Date.now() - started > 300_000)
        throw new Error('the workers did not store every event in 5 minutes');
      await new Promise((r) => setTimeout(r, 50));
    }
    return Math.round(total / ((Date.now() - started) / 1000));
  } finally {
    await client.end();
    await producer.close();
  }
}

/**
 * Feeds every server a frame each 100 ms; kills a worker, times until every server's position
 * moves again, starts a new worker, lets the group settle; `rounds` times.
 */
async function rebalancePauses(
  brokers: string[],
  run: {
    databaseUrl: string;
    rawStream: string;
    workers: RuntimeProcess[];
    startWorker: () => Promise<RuntimeProcess>;
  },
  rounds: number,
  log: (line: string) => void,
): Promise<number[]> {
  const producer = new KafkaStreamProducer({ brokers });
  const client = new pg.Client(run.databaseUrl);
  await client.connect();
  const events = generateSyntheticMatch({ rounds: 24, seed: 5, startTs: Date.now() });
  const frames = Array.from({ length: SERVERS }, (_, s) => {
    const serverId = `srv_pause${String(s).padStart(7, '0')}`;
    return { serverId, frames: planFrames(events, { server: serverId, session: 'pause' }) };
  });
  let feeding = true;
  let next = 0;
  const feed = (async () => {
    while (feeding) {
      await producer.put(
        run.rawStream,
        frames.flatMap(({ serverId, frames: mine }) => {
          const planned = mine[next % mine.length];
          // Past the match's end the session starts over: same frames, a new session each lap.
          if (!planned) return [];
          const lap = Math.floor(next / mine.length);
          const data = lap === 0 ? planned.bytes : encodeFrame({ ...planned.frame, session: `pause-${lap}` });
          return [{ partitionKey: serverId, data }];
        }),
      );
      next += 1;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const positions = async () => {
    const { rows } = await client.query<{ server_id: string; position: string | null }>(
      'SELECT server_id, position FROM match_state',
    );
    return new Map(rows.map((row) => [row.server_id, row.position]));
  };
  const pauses: number[] = [];
  try {
    // Every server under way before the first death.
    while ((await positions()).size < SERVERS) await new Promise((r) => setTimeout(r, 100));
    let alive = [...run.workers];
    for (let round = 0; round < rounds; round += 1) {
      const victim = alive[0];
      if (!victim) break;
      const before = await positions();
      const killedAt = Date.now();
      await victim.kill();
      alive = alive.slice(1);
      const waiting = new Set(before.keys());
      while (waiting.size > 0) {
        if (Date.now() - killedAt > 120_000) throw new Error('partitions not processed again in 2 minutes');
        const now = await positions();
        for (const serverId of [...waiting]) {
          if (now.get(serverId) !== before.get(serverId)) waiting.delete(serverId);
        }
        if (waiting.size > 0) await new Promise((r) => setTimeout(r, 20));
      }
      const pause = Date.now() - killedAt;
      pauses.push(pause);
      log(`multi-process: rebalance ${round + 1}: partitions processed again after ${pause} ms`);
      const joined = await run.startWorker();
      alive.push(joined);
      await settled([joined]);
    }
    return pauses;
  } finally {
    feeding = false;
    await feed;
    await producer.close();
    await client.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { formatFigure } = await import('./stats.ts');
  const rebalances = Number(process.env.GEQO_BENCH_REBALANCES || 5);
  const rounds = Number(process.env.GEQO_BENCH_ROUNDS || 8);
  for (const figure of await runMultiProcessBench({ rounds, rebalances, log: console.error }))
    console.log(formatFigure(figure));
}
