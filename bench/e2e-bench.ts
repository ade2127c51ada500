/**
 * End to end against `geqo up`, run as its own process on a fresh embedded PostgreSQL, with N
 * replay connections, each its own server replaying its own synthetic competitive match (another
 * seed each: other rounds, other lengths) with a realistic mix: positions at 8 Hz, footsteps,
 * shots, damage, kills. A dashboard client follows one match, as a viewer does. Three phases:
 *
 * 1. capacity: every connection at full speed (window-limited): events/s acked and stored, with
 *    the frame-to-ack latency that a saturated server gives (by Little's law, the window divided
 *    by the throughput);
 * 2. sustained load: the connections paced to `targetRate` events/s in all, every match squeezed
 *    to the same length and the connections started one after another over a round of play, so
 *    rounds and their bursts of action are out of step, as on independent servers (twenty copies
 *    of one match in lockstep would swing the load with every round instead): whether storage
 *    keeps up (events/s stored over the time the connections send, from the last one's start),
 *    p50/p99 frame-to-ack and event-to-dashboard latency at that load;
 *    The phase runs `sustainedRepeats` times and its figures pool the runs;
 * 3. the same at half that load: the latencies of a system below saturation.
 *
 * Also the runtime's peak RSS and the CPU time each part spent per 10,000 events.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import pg from 'pg';
import { DashboardClient } from '../cli/src/dashboard-client.ts';
import { planFrames } from '../cli/src/replay/frame-batcher.ts';
import { PluginClient } from '../cli/src/replay/plugin-client.ts';
import { embeddedUrlOf } from '../local/src/database.ts';
import { freePort, type RuntimeProcess, startRuntimeProcess } from '../local/src/process/runtime-process.ts';
import { SENDER_FRAME_BASE64_CHARS } from '../shared/domain/codec/index.ts';
import type { AnyEvent } from '../shared/domain/events/index.ts';
import { type Figure, percentile } from './stats.ts';

export interface E2eBenchOptions {
  connections: number;
  rounds: number;
  window: number;
  /** Offered load of the sustained phase, events/s over all connections. */
  targetRate: number;
  /**
   * How many times the sustained phase runs (fresh servers each time), its latencies pooled: one
   * run lasts about 7 s and times about 110 dashboard frames, so its p99 is the second-worst
   * frame and moves by a factor of three from one benchmark run to the next on this machine.
   */
  sustainedRepeats: number;
  log: (line: string) => void;
}

export const DEFAULT_E2E_OPTIONS: Omit<E2eBenchOptions, 'log'> = {
  connections: 20,
  rounds: 8,
  window: 16,
  targetRate: 30_000,
  sustainedRepeats: 3,
};

/** A `/proc/<pid>/status` figure in kB (`VmRSS`, `VmHWM`…). */
export function procStatus(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
}

/** User + system CPU seconds of a process (and, with `children`, of its reaped children). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * CPU seconds of the PostgreSQL server whose postmaster is `postmasterPid`: itself, its live
 * children, and (through its `cutime`/`cstime`) the children it has already reaped.
 */
function postgresCpuSeconds(postmasterPid: number): number {
  const own = readFileSync(`/proc/${postmasterPid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  let total = (Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14])) / 100;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      if (Number(fields[1]) === postmasterPid) total += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

interface PhaseResult {
  acked: number;
  stored: number;
  startedAt: number;
  ackedAt: number;
  storedAt: number;
  /** When the last connection started (the phase's ramp). */
  lastStartMs: number;
  ackLatencies: number[];
  dashboardLatencies: number[];
  cpu: { runtime: number; postgres: number; bench: number };
}

/** Registers `count` servers through the REST API and returns their tokens. */
export async function addServers(api: string, count: number, prefix: string) {
  const servers: { token: string; serverId: string }[] = [];
  for (let i = 0; i < count; i += 1) {
    const response = await fetch(`${api}/v1/servers`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: `${prefix} ${i}` }),
    });
    servers.push((await response.json()) as { token: string; serverId: string });
  }
  return servers;
}

/** One connection's replay: its match, how fast, and how long after the phase began it starts. */
interface Replay {
  events: readonly AnyEvent[];
  speed: number | 'max';
  startMs: number;
}

/** A match's span of play, in seconds. */
export const playSeconds = (events: readonly AnyEvent[]) =>
  ((events.at(-1)?.ts ?? 0) - (events[0]?.ts ?? 0)) / 1000;

/**
 * The paced replays of `matches` that offer `rate` events/s in all once every one has started:
 * each match is stretched or squeezed to last the same time, and they start one after another,
 * spread over a round of play, so their rounds (and the bursts of action in them) are as out of
 * step as independent servers' are.
 */
function pacedReplays(matches: readonly (readonly AnyEvent[])[], rate: number, rounds: number): Replay[] {
  const events = matches.reduce((sum, match) => sum + match.length, 0);
  const wallSeconds = events / rate;
  const roundMs = (wallSeconds * 1000) / rounds;
  return matches.map((match, i) => ({
    events: match,
    speed: playSeconds(match) / wallSeconds,
    startMs: (roundMs * i) / matches.length,
  }));
}

async function runPhase(
  runtime: RuntimeProcess,
  db: pg.Client,
  postmasterPid: number,
  replays: readonly Replay[],
  options: {
    window: number;
    prefix: string;
    log: (line: string) => void;
  },
): Promise<PhaseResult> {
  const api = `http://127.0.0.1:${runtime.httpPort}`;
  const servers = await addServers(api, replays.length, options.prefix);
  const plans = servers.map(({ serverId }, i) => {
    const { events, speed } = replays[i]!;
    return planFrames(
      events,
      { server: serverId, session: options.prefix },
      {
        maxEvents: 100,
        maxSpanMs: speed === 'max' ? Number.POSITIVE_INFINITY : 250 * speed,
        maxBase64Chars: SENDER_FRAME_BASE64_CHARS,
      },
    );
  });
  const total = replays.reduce((sum, replay) => sum + replay.events.length, 0);

  // Send time of each frame, to time its events' arrival at the dashboard.
  const sentAt = new Map<string, number>();
  const dashboardLatencies: number[] = [];
  const dashboard = await DashboardClient.connect(runtime.httpPort, { keep: false });
  const followed = servers[0]!.serverId;
  let following = false;
  dashboard.onMessage((message) => {
    if (
      message.type === 'match' &&
      !following &&
      String((message.match as { serverId?: string }).serverId) === followed
    ) {
      following = true;
      dashboard.send({ action: 'subscribe', matchId: message.matchId });
    } else if (message.type === 'events') {
      const now = Date.now();
      let last = '';
      for (const event of message.events as { key: [string, string, number, number] }[]) {
        const frame = `${event.key[0]}/${event.key[2]}`;
        if (frame === last) continue;
        last = frame;
        const sent = sentAt.get(frame);
        if (sent !== undefined) dashboardLatencies.push(now - sent);
      }
    }
  });
  await dashboard.subscribe({ topic: 'matches' });

  const head = async () => {
    const { rows } = await db.query(
      `SELECT (SELECT max(id) FROM stream_records WHERE stream = 'raw-game-events')::float8 AS head,
              (SELECT "offset" FROM stream_offsets WHERE stream = 'raw-game-events' AND consumer = 'worker')::float8 AS done`,
    );
    return { head: Number(rows[0].head ?? 0), done: Number(rows[0].done ?? 0) };
  };
  const storedBefore = Number((await db.query('SELECT count(*) AS n FROM game_events')).rows[0].n);
  const cpuBefore = {
    runtime: cpuSeconds(runtime.child.pid!),
    postgres: postgresCpuSeconds(postmasterPid),
    bench: process.cpuUsage(),
  };
  const startedAt = Date.now();
  const clients = plans.map((frames, i) => {
    const client = new PluginClient(frames, {
      url: `ws://127.0.0.1:${runtime.ingestPort}/`,
      token: servers[i]!.token,
      window: options.window,
      speed: replays[i]!.speed,
    });
    if (i === 0) {
      client.on('sent', ({ seq, at }: { seq: number; at: number }) => {
        const frame = `${followed}/${seq}`;
        if (!sentAt.has(frame)) sentAt.set(frame, at);
      });
    }
    return client;
  });
  const progress = setInterval(() => {
    const acked = clients.reduce((sum, c) => sum + c.stats.ackedEvents, 0);
    options.log(`  ${acked.toLocaleString('en-US')}/${total.toLocaleString('en-US')} events acked`);
  }, 5_000);
  const stats = await Promise.all(
    clients.map(async (client, i) => {
      const { startMs } = replays[i]!;
      if (startMs > 0) await new Promise((resolve) => setTimeout(resolve, startMs));
      return client.run();
    }),
  );
  const ackedAt = Date.now();
  clearInterval(progress);
  // Drained when every acked event is stored: the worker's committed offset reaching the stream's
  // head says so cheaply, but with put-off snapshots that offset trails the events until the
  // stream is idle (about 250 ms more), so the rows are also counted, every 100 ms (not more often:
  // counting loads the database being measured).
  const acked = stats.reduce((sum, s) => sum + s.ackedEvents, 0);
  const count = async () => Number((await db.query('SELECT count(*) AS n FROM game_events')).rows[0].n);
  for (let poll = 1; ; poll += 1) {
    const { head: last, done } = await head();
    if (done >= last || Date.now() - ackedAt > 300_000) break;
    if (poll % 5 === 0 && (await count()) - storedBefore >= acked) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const storedAt = Date.now();
  const cpuBench = process.cpuUsage(cpuBefore.bench);
  const cpu = {
    runtime: cpuSeconds(runtime.child.pid!) - cpuBefore.runtime,
    postgres: postgresCpuSeconds(postmasterPid) - cpuBefore.postgres,
    bench: (cpuBench.user + cpuBench.system) / 1e6,
  };
  await new Promise((r) => setTimeout(r, 300));
  dashboard.close();
  const stored = (await count()) - storedBefore;
  return {
    acked,
    stored,
    startedAt,
    ackedAt,
    storedAt,
    lastStartMs: Math.max(...replays.map((replay) => replay.startMs)),
    ackLatencies: stats.flatMap((s) => s.ackLatencies),
    dashboardLatencies,
    cpu,
  };
}

const perTenThousand = (seconds: number, events: number) => Math.round((seconds / events) * 10_000 * 1_000);

/** `geqo up` on a fresh embedded PostgreSQL, as the benchmark and the soak run it. */
export interface BenchRuntime {
  runtime: RuntimeProcess;
  /** A client of its database (connected). */
  db: pg.Client;
  postmasterPid: number;
  /** Stops the runtime and removes its data (unless GEQO_BENCH_KEEP is set). */
  stop(): Promise<number | null>;
}

/** Starts `geqo up` as its own process on a fresh embedded PostgreSQL in a temporary folder. */
export async function startBenchRuntime(log: (line: string) => void): Promise<BenchRuntime> {
  const dataDir = mkdtempSync(join(tmpdir(), 'geqo-bench-'));
  // As root the server runs as user postgres, which must be able to enter the folder.
  chmodSync(dataDir, 0o755);
  const pgPort = await freePort();
  // GEQO_BENCH_GEQO_BIN: another checkout's bin/geqo.mjs, to compare its runtime under this very
  // benchmark (an A/B of a change).
  const bin = process.env.GEQO_BENCH_GEQO_BIN || undefined;
  log(`starting ${bin ?? 'geqo'} up (embedded PostgreSQL in ${dataDir})`);
  const runtime = await startRuntimeProcess({
    ...(bin ? { bin } : {}),
    dataDir,
    env: {
      DATABASE_URL: '',
      GEQO_PG_PORT: String(pgPort),
      GEQO_LOG_LEVEL: 'info',
      ...(process.env.GEQO_WORKER_BATCH_SIZE
        ? { GEQO_WORKER_BATCH_SIZE: process.env.GEQO_WORKER_BATCH_SIZE }
        : {}),
    },
    nodeArgs: [
      ...(process.env.GEQO_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      ...(process.env.GEQO_BENCH_PROFILE
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.GEQO_BENCH_PROFILE}`]
        : []),
    ],
  });
  const db = new pg.Client(embeddedUrlOf(dataDir, pgPort));
  await db.connect();
  const postmasterPid = Number(
    readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0],
  );
  return {
    runtime,
    db,
    postmasterPid,
    stop: async () => {
      await db.end().catch(() => {});
      const code = await runtime.stop();
      if (!process.env.GEQO_BENCH_KEEP) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

export async function runE2eBench(options: E2eBenchOptions): Promise<Figure[]> {
  const { log } = options;
  const { runtime, db, postmasterPid, stop } = await startBenchRuntime(log);
  try {
    // Every server plays its own match (another seed: other rounds, other lengths).
    const matches = Array.from({ length: options.connections }, (_, i) =>
      // Dated now, as live traffic is: events months old would all land in the default partition.
      generateSyntheticMatch({ rounds: options.rounds, seed: 7 + i, startTs: Date.now() }),
    );
    const total = matches.reduce((sum, match) => sum + match.length, 0);
    const playMinutes = matches.reduce((sum, match) => sum + playSeconds(match), 0) / matches.length / 60;
    log(
      `${options.connections} connections, each its own match: ${total.toLocaleString('en-US')} events (${playMinutes.toFixed(0)} min of play each)`,
    );

    log('phase 1: full speed');
    const capacity = await runPhase(
      runtime,
      db,
      postmasterPid,
      matches.map((events) => ({ events, speed: 'max', startMs: 0 })),
      { ...options, prefix: 'capacity' },
    );
    const sustainedReplays = pacedReplays(matches, options.targetRate, options.rounds);
    log(
      `phase 2: paced to ${options.targetRate.toLocaleString('en-US')} events/s (each match at about ${Number(sustainedReplays[0]?.speed).toFixed(0)}x real time)`,
    );
    const sustainedRuns: PhaseResult[] = [];
    for (let run = 1; run <= options.sustainedRepeats; run += 1) {
      if (options.sustainedRepeats > 1) log(`  run ${run} of ${options.sustainedRepeats}`);
      sustainedRuns.push(
        await runPhase(runtime, db, postmasterPid, sustainedReplays, {
          ...options,
          prefix: `sustained-${run}`,
        }),
      );
    }
    const half = options.targetRate / 2;
    log(`phase 3: paced to ${half.toLocaleString('en-US')} events/s (latency below saturation)`);
    const light = await runPhase(runtime, db, postmasterPid, pacedReplays(matches, half, options.rounds), {
      ...options,
      prefix: 'light',
    });
    const rss = procStatus(runtime.child.pid!, 'VmHWM') / 1024;

    const rate = (count: number, from: number, to: number) => Math.round(count / ((to - from) / 1000));
    // Paced phases: each connection offers its share for the same time, the last one starting
    // `lastStartMs` after the first; stored in that time (plus the drain) is keeping up.
    const pacedRate = (phase: PhaseResult) =>
      rate(phase.stored, phase.startedAt + phase.lastStartMs, phase.storedAt);
    const sustained = {
      stored: sustainedRuns.reduce((sum, run) => sum + run.stored, 0),
      // Over the runs: stored in all, over the time they sent in all.
      rate: Math.round(
        sustainedRuns.reduce((sum, run) => sum + run.stored, 0) /
          sustainedRuns.reduce(
            (sum, run) => sum + (run.storedAt - run.startedAt - run.lastStartMs) / 1000,
            0,
          ),
      ),
      ackLatencies: sustainedRuns.flatMap((run) => run.ackLatencies),
      dashboardLatencies: sustainedRuns.flatMap((run) => run.dashboardLatencies),
    };
    return [
      {
        name: 'e2e capacity: events stored',
        value: capacity.stored,
        unit: 'events',
        target: { op: '>=', value: total },
      },
      {
        name: 'e2e capacity: events/s acked',
        value: rate(capacity.acked, capacity.startedAt, capacity.ackedAt),
        unit: 'events/s',
      },
      {
        name: 'e2e capacity: events/s stored',
        value: rate(capacity.stored, capacity.startedAt, capacity.storedAt),
        unit: 'events/s',
      },
      {
        name: 'e2e capacity: frame-to-ack p99 (saturated)',
        value: percentile(capacity.ackLatencies, 99),
        unit: 'ms',
      },
      { name: 'e2e sustained: offered load', value: options.targetRate, unit: 'events/s' },
      {
        name: 'e2e sustained: events stored',
        value: sustained.stored,
        unit: 'events',
        target: { op: '>=', value: total * options.sustainedRepeats },
      },
      {
        name: 'e2e sustained: events/s stored',
        value: sustained.rate,
        unit: 'events/s',
        target: { op: '>=', value: options.targetRate * 0.97 },
      },
      { name: 'e2e sustained: frame-to-ack p50', value: percentile(sustained.ackLatencies, 50), unit: 'ms' },
      {
        name: 'e2e sustained: frame-to-ack p99',
        value: percentile(sustained.ackLatencies, 99),
        unit: 'ms',
        target: { op: '<=', value: 50 },
      },
      {
        name: 'e2e sustained: event-to-dashboard p50',
        value: percentile(sustained.dashboardLatencies, 50),
        unit: 'ms',
      },
      {
        name: 'e2e sustained: event-to-dashboard p99',
        value: percentile(sustained.dashboardLatencies, 99),
        unit: 'ms',
        target: { op: '<=', value: 250 },
      },
      {
        name: 'e2e sustained: dashboard frames timed',
        value: sustained.dashboardLatencies.length,
        unit: 'frames',
      },
      {
        name: `e2e at ${half.toLocaleString('en-US')} events/s: events/s stored`,
        value: pacedRate(light),
        unit: 'events/s',
      },
      {
        name: `e2e at ${half.toLocaleString('en-US')} events/s: frame-to-ack p50`,
        value: percentile(light.ackLatencies, 50),
        unit: 'ms',
      },
      {
        name: `e2e at ${half.toLocaleString('en-US')} events/s: frame-to-ack p99`,
        value: percentile(light.ackLatencies, 99),
        unit: 'ms',
      },
      {
        name: `e2e at ${half.toLocaleString('en-US')} events/s: event-to-dashboard p50`,
        value: percentile(light.dashboardLatencies, 50),
        unit: 'ms',
      },
      {
        name: `e2e at ${half.toLocaleString('en-US')} events/s: event-to-dashboard p99`,
        value: percentile(light.dashboardLatencies, 99),
        unit: 'ms',
      },
      { name: 'e2e: geqo up peak RSS', value: Math.round(rss), unit: 'MiB' },
      {
        name: 'e2e CPU per 10k events: geqo up',
        value: perTenThousand(capacity.cpu.runtime, capacity.stored),
        unit: 'ms',
      },
      {
        name: 'e2e CPU per 10k events: PostgreSQL',
        value: perTenThousand(capacity.cpu.postgres, capacity.stored),
        unit: 'ms',
      },
      {
        name: 'e2e CPU per 10k events: replay clients + dashboard',
        value: perTenThousand(capacity.cpu.bench, capacity.stored),
        unit: 'ms',
      },
    ];
  } finally {
    await stop();
  }
}
