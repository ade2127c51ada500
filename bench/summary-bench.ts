/**
 * Statistics figures:
 *
 * 1. `GET /v1/matches/{id}/summary` of a finished 30-round match stored by `geqo up` (a synthetic
 *    competitive match replayed by the plugin client, aggregated when it ended): latency at the
 *    database (the query path the route runs: one query, mapped to the MatchSummary) and over
 *    HTTP, p50 / p99 of sequential requests; and, for comparison, the summary of a match in
 *    progress, recomputed from its stored events on each request.
 * 2. `geqo analyze` throughput on a large synthetic event file (several 30-round matches in one
 *    JSON-lines file): the analyze use case, reading and validating the file included.
 */
import { chmodSync, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import { planFrames } from '../cli/src/replay/frame-batcher.ts';
import { PluginClient } from '../cli/src/replay/plugin-client.ts';
import { embeddedUrlOf } from '../local/src/database.ts';
import { freePort, startRuntimeProcess } from '../local/src/process/runtime-process.ts';
import { silentLogger } from '../shared/adapters/logging/index.ts';
import { noMetrics } from '../shared/adapters/metrics/index.ts';
import {
  createPool,
  PostgresMatchStatsStore,
  PostgresStatsQueries,
} from '../shared/adapters/postgres/index.ts';
import { analyzeJsonLinesFile } from '../shared/app/analyze/index.ts';
import { MatchAggregator, MatchStatsService } from '../shared/app/stats/index.ts';
import { type Figure, percentile } from './stats.ts';

export interface SummaryBenchOptions {
  /** Rounds of the stored match. */
  rounds: number;
  /** Timed summary requests per path. */
  requests: number;
  /** 30-round matches in the analyzed file. */
  analyzeMatches: number;
  log: (line: string) => void;
}

export const DEFAULT_SUMMARY_BENCH_OPTIONS: Omit<SummaryBenchOptions, 'log'> = {
  rounds: 30,
  requests: 2_000,
  analyzeMatches: 4,
};

/** The target of the issue: a finished match's summary in at most 20 ms p99 at the database. */
const SUMMARY_P99_TARGET_MS = 20;

async function timed(count: number, call: () => Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await call();
    latencies.push(performance.now() - started);
  }
  return latencies;
}

const ms = (value: number) => Math.round(value * 100) / 100;

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`summary bench: ${what} not done after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function summaryFigures(options: SummaryBenchOptions): Promise<Figure[]> {
  const { log } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'geqo-summary-bench-'));
  // As root the server runs as user postgres, which must be able to enter the folder.
  chmodSync(dataDir, 0o755);
  const pgPort = await freePort();
  log(`summary: starting geqo up (embedded PostgreSQL in ${dataDir})`);
  const runtime = await startRuntimeProcess({
    dataDir,
    env: {
      DATABASE_URL: '',
      GEQO_PG_PORT: String(pgPort),
      GEQO_LOG_LEVEL: 'info',
      // Storing the match is set-up, not the measure: a full-speed replay must not be rate limited.
      GEQO_MAX_FRAMES_PER_SECOND: '1000000',
    },
  });
  const pool = createPool(embeddedUrlOf(dataDir, pgPort), { max: 2 });
  try {
    const api = `http://127.0.0.1:${runtime.httpPort}`;
    const created = await fetch(`${api}/v1/servers`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'bench' }),
    });
    const { token, serverId } = (await created.json()) as { token: string; serverId: string };
    const events = generateSyntheticMatch({ rounds: options.rounds, seed: 11, startTs: Date.now() });
    log(`summary: storing a ${options.rounds}-round match (${events.length.toLocaleString('en-US')} events)`);
    await new PluginClient(planFrames(events, { server: serverId, session: 'summary-bench' }), {
      url: `ws://127.0.0.1:${runtime.ingestPort}/`,
      token,
    }).run();
    await waitFor(async () => {
      const { rows } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM matches WHERE server_id = $1 AND stats_version >= updated_at`,
        [serverId],
      );
      return rows[0]?.n === 1;
    }, 'the aggregation of the stored match');
    const { rows } = await pool.query<{ id: string }>('SELECT id FROM matches WHERE server_id = $1', [
      serverId,
    ]);
    const matchId = rows[0]!.id;

    const store = new PostgresMatchStatsStore(pool);
    const aggregator = new MatchAggregator({ store, logger: silentLogger, metrics: noMetrics });
    const service = new MatchStatsService({ queries: new PostgresStatsQueries(pool), store, aggregator });
    const summary = await service.summary(matchId);
    if (summary?.rounds.length !== options.rounds) {
      throw new Error(`summary bench: expected ${options.rounds} rounds, got ${summary?.rounds.length}`);
    }
    log(`summary: ${options.requests} requests at the database, then over HTTP`);
    await timed(100, () => service.summary(matchId));
    const atDatabase = await timed(options.requests, () => service.summary(matchId));
    const overHttp = await timed(options.requests, async () => {
      const response = await fetch(`${api}/v1/matches/${matchId}/summary`);
      await response.arrayBuffer();
    });
    const target = await store.findMatch(matchId);
    const recomputed = await timed(20, () => aggregator.recompute(target!));
    return [
      {
        name: `summary at the database (${options.rounds} rounds): p50`,
        value: ms(percentile(atDatabase, 50)),
        unit: 'ms',
      },
      {
        name: `summary at the database (${options.rounds} rounds): p99`,
        value: ms(percentile(atDatabase, 99)),
        unit: 'ms',
        target: { op: '<=', value: SUMMARY_P99_TARGET_MS },
      },
      { name: 'summary over HTTP: p50', value: ms(percentile(overHttp, 50)), unit: 'ms' },
      { name: 'summary over HTTP: p99', value: ms(percentile(overHttp, 99)), unit: 'ms' },
      {
        name: 'summary of a match in progress (recomputed): p50',
        value: ms(percentile(recomputed, 50)),
        unit: 'ms',
      },
    ];
  } finally {
    await pool.end();
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Writes `matches` synthetic 30-round matches, one after the other, as one JSON-lines file. */
async function writeSyntheticFile(path: string, matches: number): Promise<number> {
  const out = createWriteStream(path);
  let events = 0;
  const hour = 3_600_000;
  for (let index = 0; index < matches; index += 1) {
    const match = generateSyntheticMatch({
      rounds: 30,
      seed: index + 1,
      startTs: Date.UTC(2026, 0, 1) + 3 * hour * index,
    });
    let chunk = '';
    for (const event of match) {
      chunk += `${JSON.stringify(event)}\n`;
      if (chunk.length > 1 << 20) {
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
        chunk = '';
      }
    }
    out.write(chunk);
    events += match.length;
  }
  out.end();
  await finished(out);
  return events;
}

async function analyzeFigures(options: SummaryBenchOptions): Promise<Figure[]> {
  const folder = mkdtempSync(join(tmpdir(), 'geqo-analyze-bench-'));
  try {
    const path = join(folder, 'synthetic.jsonl');
    const events = await writeSyntheticFile(path, options.analyzeMatches);
    const megabytes = statSync(path).size / 1e6;
    options.log(
      `analyze: ${events.toLocaleString('en-US')} events (${megabytes.toFixed(0)} MB, ${options.analyzeMatches} matches)`,
    );
    const started = performance.now();
    const analyzed = await analyzeJsonLinesFile(path);
    const seconds = (performance.now() - started) / 1000;
    if (analyzed.length !== options.analyzeMatches) {
      throw new Error(`analyze bench: expected ${options.analyzeMatches} matches, found ${analyzed.length}`);
    }
    return [
      {
        name: `geqo analyze (${megabytes.toFixed(0)} MB JSON lines)`,
        value: Math.round(events / seconds),
        unit: 'events/s',
      },
      {
        name: 'geqo analyze: file throughput',
        value: Math.round((megabytes / seconds) * 100) / 100,
        unit: 'MB/s',
      },
    ];
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Every statistics figure: summary latency, then analyze throughput. */
export async function runSummaryBench(
  options: Partial<SummaryBenchOptions> & Pick<SummaryBenchOptions, 'log'>,
): Promise<Figure[]> {
  const resolved: SummaryBenchOptions = { ...DEFAULT_SUMMARY_BENCH_OPTIONS, ...options };
  return [...(await summaryFigures(resolved)), ...(await analyzeFigures(resolved))];
}
