/**
 * The worker alone: a durable local stream pre-filled with the frames of N synthetic matches,
 * drained by the same pipelined worker `geqo up` runs (decode, match engine, COPY into
 * PostgreSQL, snapshots, checkpoints). Events/s stored and CPU per 10,000 events.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import { startEmbeddedPostgres } from '../local/src/postgres/embedded-postgres.ts';
import { freePort } from '../local/src/process/runtime-process.ts';
import { WorkerPipeline } from '../local/src/worker-pipeline.ts';
import { SNAPSHOT_EVERY_MS } from '../local/src/worker-runner.ts';
import { silentLogger } from '../shared/adapters/logging/index.ts';
import { MemoryStream } from '../shared/adapters/memory/index.ts';
import { noMetrics } from '../shared/adapters/metrics/index.ts';
import {
  createPool,
  migrate,
  PostgresEventStore,
  PostgresStream,
} from '../shared/adapters/postgres/index.ts';
import { GameEventWorker, matchEngineDriver } from '../shared/app/worker/index.ts';
import { encodeFrame } from '../shared/domain/codec/index.ts';
import type { Figure } from './stats.ts';

export async function runWorkerBench(options: {
  matches: number;
  rounds: number;
  log: (line: string) => void;
  /**
   * Put the matches' frames on the stream in turns, one frame of each server after the other, as
   * live servers send them (every batch then touches many servers), instead of match after match.
   */
  interleaved?: boolean;
  /** Events per frame (100 by default; live servers at 8 Hz send about 30). */
  frameEvents?: number;
  /** Records per batch (100 by default; `geqo up` reads 40). */
  batchSize?: number;
  /** Records one `prepare` takes at most (the pipeline's default when unset). */
  maxPartRecords?: number;
  /** Put before each figure's name (default `worker`). */
  label?: string;
}): Promise<Figure[]> {
  const label = options.label ?? 'worker';
  const dir = mkdtempSync(join(tmpdir(), 'geqo-worker-bench-'));
  chmodSync(dir, 0o755);
  const server = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), port: await freePort() });
  const pool = createPool(server.url, { max: 4 });
  try {
    await migrate(pool);
    const stream = new PostgresStream(pool);
    const events = generateSyntheticMatch({ rounds: options.rounds, seed: 3, startTs: Date.now() });
    options.log(
      `${label}: filling the stream with ${options.matches} matches of ${events.length} events${options.interleaved ? ', interleaved' : ''}`,
    );
    const frameEvents = options.frameEvents ?? 100;
    const frames = (serverId: string) => {
      const records = [];
      for (let i = 0, seq = 1; i < events.length; i += frameEvents, seq += 1) {
        const data = encodeFrame({
          v: 1,
          server: serverId,
          session: 'bench',
          seq,
          sentAt: 0,
          events: events.slice(i, i + frameEvents),
        });
        records.push({ partitionKey: serverId, data });
      }
      return records;
    };
    const perServer = Array.from({ length: options.matches }, (_, m) =>
      frames(`srv_bench${String(m).padStart(7, '0')}`),
    );
    if (options.interleaved) {
      const longest = Math.max(...perServer.map((records) => records.length));
      for (let i = 0; i < longest; i += 1)
        await stream.put(
          'raw-game-events',
          perServer.flatMap((records) => records.slice(i, i + 1)),
        );
    } else for (const records of perServer) await stream.put('raw-game-events', records);
    const total = events.length * options.matches;
    const worker = new GameEventWorker({
      store: new PostgresEventStore(pool),
      engine: matchEngineDriver,
      logger: silentLogger,
      metrics: noMetrics,
      processed: { producer: new MemoryStream(), stream: 'processed', wanted: () => false },
      cacheStates: true,
      snapshotEveryMs: SNAPSHOT_EVERY_MS,
    });
    const consumer = stream.consumer('raw-game-events', 'worker');
    const pipeline = new WorkerPipeline(worker, consumer, {
      stream: 'raw-game-events',
      consumerName: 'worker',
      batchSize: options.batchSize ?? 100,
      ...(options.maxPartRecords === undefined ? {} : { maxPartRecords: options.maxPartRecords }),
      checkpointInTransaction: true,
    });
    const head = await consumer.headOffset();
    const cpu = process.cpuUsage();
    const started = Date.now();
    while ((await consumer.committedOffset()) < head) await pipeline.step();
    await pipeline.flush();
    const seconds = (Date.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const stored = Number((await pool.query('SELECT count(*) AS n FROM game_events')).rows[0].n);
    return [
      { name: `${label}: events stored`, value: stored, unit: 'events', target: { op: '>=', value: total } },
      {
        name: `${label}: events/s stored (stream pre-filled)`,
        value: Math.round(stored / seconds),
        unit: 'events/s',
      },
      {
        name: `${label}: CPU per 10k events (node)`,
        value: Math.round(((used.user + used.system) / 1e3 / stored) * 1e4),
        unit: 'ms',
      },
    ];
  } finally {
    await pool.end();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { formatFigure } = await import('./stats.ts');
  // `tsx bench/worker-bench.ts [--matches=N] [--interleaved] [--frame-events=N] [--batch-size=N] [--max-part=N]`
  const flag = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
  const figures = await runWorkerBench({
    matches: Number(flag('matches') ?? 10),
    rounds: 6,
    log: console.error,
    interleaved: process.argv.includes('--interleaved'),
    frameEvents: Number(flag('frame-events') ?? 100),
    batchSize: Number(flag('batch-size') ?? 100),
    ...(flag('max-part') === undefined ? {} : { maxPartRecords: Number(flag('max-part')) }),
  });
  for (const figure of figures) console.log(formatFigure(figure));
}
