/**
 * End-to-end throughput and latency: `geqo up` as its own process on a fresh embedded
 * PostgreSQL, N replay connections at full speed (each its own server, a synthetic competitive
 * match with a realistic mix: positions at 8 Hz, footsteps, shots, damage, kills), and a
 * dashboard following every match. Measures events/s stored, frame-to-ack and event-to-dashboard
 * latency, and the runtime's peak RSS.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DashboardClient } from '../cli/src/dashboard-client.ts';
import { planFrames } from '../cli/src/replay/frame-batcher.ts';
import { PluginClient } from '../cli/src/replay/plugin-client.ts';
import { freePort, startRuntimeProcess } from '../local/src/process/runtime-process.ts';
import { generateSyntheticMatch } from '../shared/domain/events/synthetic-match.ts';
import { type Figure, percentile } from './stats.ts';

export interface E2eBenchOptions {
  connections: number;
  rounds: number;
  window: number;
  log: (line: string) => void;
}

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

export async function runE2eBench(options: E2eBenchOptions): Promise<Figure[]> {
  const { log } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'geqo-bench-'));
  // As root the server runs as user postgres, which must be able to enter the folder.
  chmodSync(dataDir, 0o755);
  const pgPort = await freePort();
  log(`starting geqo up (embedded PostgreSQL in ${dataDir})`);
  const runtime = await startRuntimeProcess({
    dataDir,
    env: { DATABASE_URL: '', GEQO_PG_PORT: String(pgPort), GEQO_LOG_LEVEL: 'info' },
    ...(process.env.GEQO_BENCH_PROFILE ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${process.env.GEQO_BENCH_PROFILE}`] } : {}),
  });
  const api = `http://127.0.0.1:${runtime.httpPort}`;
  const databaseUrl = `postgres://postgres:geqo@127.0.0.1:${pgPort}/geqo`;
  const db = new pg.Client(databaseUrl);
  try {
    await db.connect();
    const events = generateSyntheticMatch({ rounds: options.rounds, seed: 7 });
    const tokens: { token: string; serverId: string }[] = [];
    for (let i = 0; i < options.connections; i += 1) {
      const response = await fetch(`${api}/v1/servers`, {
        method: 'POST',
        body: JSON.stringify({ name: `bench ${i}` }),
      });
      tokens.push((await response.json()) as { token: string; serverId: string });
    }
    const plans = tokens.map(({ serverId }) =>
      planFrames(
        events,
        { server: serverId, session: 'bench' },
        { maxEvents: 100, maxSpanMs: Number.POSITIVE_INFINITY, maxBase64Chars: 96 * 1024 },
      ),
    );
    const total = events.length * options.connections;
    log(
      `${options.connections} connections x ${events.length.toLocaleString('en-US')} events (${plans[0]?.length} frames each)`,
    );

    // Send time of each frame, to time its events' arrival at the dashboard.
    const sentAt = new Map<string, number>();
    const dashboardLatencies: number[] = [];
    const dashboard = await DashboardClient.connect(runtime.httpPort);
    await dashboard.subscribe({ topic: 'matches' });
    const subscribed = new Set<string>();
    dashboard.onMessage((message) => {
      if (message.type === 'match' && message.matchId && !subscribed.has(message.matchId)) {
        subscribed.add(message.matchId);
        dashboard.send({ action: 'subscribe', matchId: message.matchId });
      } else if (message.type === 'events') {
        const now = Date.now();
        const seen = new Set<string>();
        for (const event of message.events as { key: [string, string, number, number] }[]) {
          const frame = `${event.key[0]}/${event.key[2]}`;
          if (seen.has(frame)) continue;
          seen.add(frame);
          const sent = sentAt.get(frame);
          if (sent !== undefined) dashboardLatencies.push(now - sent);
        }
      }
    });

    const started = Date.now();
    const clients = plans.map((frames, i) => {
      const client = new PluginClient(frames, {
        url: `ws://127.0.0.1:${runtime.ingestPort}/`,
        token: tokens[i]!.token,
        window: options.window,
      });
      client.on('sent', ({ seq, at }: { seq: number; at: number }) => {
        if (!sentAt.has(`${tokens[i]!.serverId}/${seq}`)) sentAt.set(`${tokens[i]!.serverId}/${seq}`, at);
      });
      return client;
    });
    const progress = setInterval(() => {
      const acked = clients.reduce((sum, c) => sum + c.stats.ackedEvents, 0);
      log(`  ${acked.toLocaleString('en-US')}/${total.toLocaleString('en-US')} events acked`);
    }, 5_000);
    const stats = await Promise.all(clients.map((client) => client.run()));
    const ackedAt = Date.now();
    clearInterval(progress);
    let stored = 0;
    for (;;) {
      stored = (await db.query('SELECT count(*)::int AS n FROM game_events')).rows[0].n as number;
      if (stored >= total || Date.now() - ackedAt > 300_000) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const storedAt = Date.now();
    await new Promise((r) => setTimeout(r, 500));
    const rss = peakRssMiB(runtime.child.pid!);
    dashboard.close();
    const ackLatencies = stats.flatMap((s) => s.ackLatencies);
    const seconds = (storedAt - started) / 1000;
    return [
      { name: 'e2e: events stored', value: stored, unit: 'events', target: { op: '>=', value: total } },
      {
        name: 'e2e: events/s stored (sustained)',
        value: Math.round(stored / seconds),
        unit: 'events/s',
        target: { op: '>=', value: 30_000 },
      },
      {
        name: 'e2e: events/s acked',
        value: Math.round(total / ((ackedAt - started) / 1000)),
        unit: 'events/s',
      },
      { name: 'e2e: frame-to-ack p50', value: percentile(ackLatencies, 50), unit: 'ms' },
      {
        name: 'e2e: frame-to-ack p99',
        value: percentile(ackLatencies, 99),
        unit: 'ms',
        target: { op: '<=', value: 50 },
      },
      { name: 'e2e: event-to-dashboard p50', value: percentile(dashboardLatencies, 50), unit: 'ms' },
      {
        name: 'e2e: event-to-dashboard p99',
        value: percentile(dashboardLatencies, 99),
        unit: 'ms',
        target: { op: '<=', value: 250 },
      },
      { name: 'e2e: dashboard frames timed', value: dashboardLatencies.length, unit: 'frames' },
      { name: 'e2e: geqo up peak RSS', value: Math.round(rss), unit: 'MiB' },
    ];
  } finally {
    await db.end().catch(() => {});
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
