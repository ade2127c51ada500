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
}): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'geqo-worker-bench-'));
  chmodSync(dir, 0o755);
  const server = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), port: await freePort() });
  const pool = createPool(server.url, { max: 4 });
  try {
    await migrate(pool);
    const stream = new PostgresStream(pool);
    const events = generateSyntheticMatch({ rounds: options.rounds, seed: 3, startTs: Date.now() });
    options.log(`worker: filling the stream with ${options.matches} matches of ${events.length} events`);
    for (let m = 0; m < options.matches; m += 1) {
      const serverId = `srv_bench${String(m).padStart(7, '0')}`;
      const records = [];
      for (let i = 0, seq = 1; i < events.length; i += 100, seq += 1) {
        const data = encodeFrame({
          v: 1,
          server: serverId,
          session: 'bench',
          seq,
          sentAt: 0,
          events: events.slice(i, i + 100),
        });
        records.push({ partitionKey: serverId, data });
      }
      await stream.put('raw-game-events', records);
    }
    const total = events.length * options.matches;
    const worker = new GameEventWorker({
      store: new PostgresEventStore(pool),
      engine: matchEngineDriver,
      logger: silentLogger,
      metrics: noMetrics,
      processed: { producer: new MemoryStream(), stream: 'processed', wanted: () => false },
      cacheStates: true,
    });
    const consumer = stream.consumer('raw-game-events', 'worker');
    const pipeline = new WorkerPipeline(worker, consumer, {
      stream: 'raw-game-events',
      consumerName: 'worker',
      batchSize: 100,
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
      { name: 'worker: events stored', value: stored, unit: 'events', target: { op: '>=', value: total } },
      {
        name: 'worker: events/s stored (stream pre-filled)',
        value: Math.round(stored / seconds),
        unit: 'events/s',
      },
      {
        name: 'worker: CPU per 10k events (node)',
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
  for (const figure of await runWorkerBench({ matches: 10, rounds: 6, log: console.error }))
    console.log(formatFigure(figure));
}
