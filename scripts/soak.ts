/**
 * `npm run soak -- --minutes N [--rate 30000] [--servers 50] [--rounds 8] [--window 16]
 *   [--hostile all|none|frames,dashboards,slow-http,requests] [--verbose]`
 *
 * `geqo up` (on a fresh embedded PostgreSQL, started as the end-to-end benchmark starts it) for
 * N minutes under honest and hostile traffic at once, all on loopback:
 * - honest: `--servers` replay connections, each its own server playing synthetic matches of
 *   `--rounds` rounds one after another (a fresh session each), paced to `--rate` events/s in all,
 *   with the replay client the benchmark uses (windowed, acks, reconnects). The matches are split
 *   into frames and compressed once, before the clock starts (see `PackedMatch`): encoding them as
 *   each match began took the harness 75-250 ms per server, seconds at a time when many matches
 *   ended together, and that delay was counted in the latencies;
 * - hostile (bounded counts): a server sending mutated and garbage frames; dashboard sockets
 *   subscribing and unsubscribing to many matches, sending junk and dropping their connections
 *   (reconnect storms); slow HTTP requests that dribble their body (slowloris); broken REST,
 *   log and webhook requests. The storm and the slow requests come from another address than the
 *   viewer ({@link HOSTILE_ADDRESS}), as another client's would.
 * Prints throughput, frame-to-ack and event-to-dashboard latency percentiles (a viewer follows
 * the first server's matches, as the benchmark's does, in a thread of its own so that the
 * harness's busy event loop does not delay its clock: `soak-viewer/viewer.ts`), the runtime's RSS once a
 * minute, the honest events lost or stored twice (sent vs stored, key for key), and the slowest
 * seconds of a per-second timeline (with `--verbose`, the whole timeline as it goes): acks and
 * their latency, dashboard latency, the worker's lag, geqo up's own check and ack times, the
 * harness's event-loop delay, and the CPU of geqo up, PostgreSQL and the harness. Exits non-zero
 * if any event was lost or duplicated, or if the runtime died.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import fc from 'fast-check';
import type pg from 'pg';
import WebSocket from 'ws';
import { addServers, playSeconds, procStatus, startBenchRuntime } from '../bench/e2e-bench.ts';
import { percentile } from '../bench/stats.ts';
import type { PlannedFrame } from '../cli/src/replay/frame-batcher.ts';
import { PackedMatch } from '../cli/src/replay/packed-match.ts';
import { PluginClient } from '../cli/src/replay/plugin-client.ts';
import { DEFAULT_CODEC_LIMITS } from '../shared/domain/codec/index.ts';
import type { AnyEvent } from '../shared/domain/events/index.ts';
import { frameCase, garbageText } from '../test/fuzz/support/frame-inputs.ts';
import { HostilePluginSocket, rawHttpRequest } from '../test/fuzz/support/hostile-client.ts';
import { hostileRequest } from '../test/fuzz/support/http-inputs.ts';
import type { FromViewer, ViewerData } from './soak-viewer/viewer.ts';

/**
 * Where the dashboard storm and the slow requests come from: another client than the honest
 * viewer, as they would be. geqo up bounds what one address may cost it (connections, lookups of
 * unknown matches); from the viewer's own address the storm spends the viewer's budget too.
 */
const HOSTILE_ADDRESS = '127.0.0.2';

const HOSTILE_KINDS = ['frames', 'dashboards', 'slow-http', 'requests'] as const;
type HostileKind = (typeof HOSTILE_KINDS)[number];

interface SoakOptions {
  minutes: number;
  rate: number;
  servers: number;
  rounds: number;
  window: number;
  hostile: ReadonlySet<HostileKind>;
  /** Print the per-second timeline while the soak runs (it is printed at the end in any case). */
  verbose: boolean;
}

function readOptions(): SoakOptions {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      rate: { type: 'string', default: '30000' },
      servers: { type: 'string', default: '50' },
      rounds: { type: 'string', default: '8' },
      window: { type: 'string', default: '16' },
      hostile: { type: 'string', default: 'all' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const positive = (name: string, text: string | undefined) => {
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`--${name} must be a positive number, not "${text}"`);
    return value;
  };
  const hostile =
    values.hostile === 'all'
      ? new Set(HOSTILE_KINDS)
      : values.hostile === 'none'
        ? new Set<HostileKind>()
        : new Set(
            (values.hostile ?? '').split(',').map((kind) => {
              if (!(HOSTILE_KINDS as readonly string[]).includes(kind)) {
                throw new Error(`--hostile: "${kind}" is not one of all, none, ${HOSTILE_KINDS.join(', ')}`);
              }
              return kind as HostileKind;
            }),
          );
  return {
    minutes: positive('minutes', values.minutes),
    rate: positive('rate', values.rate),
    servers: Math.round(positive('servers', values.servers)),
    rounds: Math.round(positive('rounds', values.rounds)),
    window: Math.round(positive('window', values.window)),
    hostile,
    verbose: values.verbose ?? false,
  };
}

/** When the traffic stops: at the end of the run, or at once if the runtime dies. */
class Deadline {
  constructor(private at: number) {}
  open(): boolean {
    return Date.now() < this.at;
  }
  remainingMs(): number {
    return this.at - Date.now();
  }
  end(): void {
    this.at = Math.min(this.at, Date.now());
  }
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));
const format = (value: number) =>
  Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';

/** One second of the soak, as the harness saw it. */
interface Second {
  acks: number[];
  ackedEvents: number;
  dashboard: number[];
  /** Longest delay of the harness's own event loop (ms): its latencies include it. */
  harnessLagMs: number;
  /** Stream records the worker had not committed yet, sampled at the end of the second. */
  workerLag: number;
  /** PostgreSQL's autovacuum at the end of the second (what it works on), `CHECKPOINT` while one runs, or ''. */
  maintenance: string;
  /**
   * geqo up's own mean time (ms) for the frames it acked this second: to decode and check a frame,
   * and from its arrival to its ack (the check, then the stream's commit).
   */
  ingest: { checkMs: number; ackMs: number };
  /** The worker's batches committed this second, and their mean time (ms) from poll to commit. */
  worker: { batches: number; batchMs: number };
  /** Time (ms) taken by the statistics aggregations that finished this second, in all. */
  statsMs: number;
  /** CPU of geqo up (all threads), its main thread, PostgreSQL, and the harness (% of one core). */
  cpu: { geqo: number; main: number; postgres: number; harness: number };
  /**
   * The machine's file data not yet on disk (MiB, `Dirty` + `Writeback` of /proc/meminfo): when
   * the kernel writes a big pile of it out, a WAL flush (and so an ack) waits behind it.
   */
  dirtyMiB: number;
}

/** `Dirty` + `Writeback` of /proc/meminfo, MiB; NaN where there is none. */
function dirtyMiB(): number {
  try {
    const text = readFileSync('/proc/meminfo', 'utf8');
    const kib = (name: string) =>
      Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN);
    return (kib('Dirty') + kib('Writeback')) / 1024;
  } catch {
    return Number.NaN;
  }
}

/**
 * How fast this machine's processor is just now: the best of five runs of a fixed piece of
 * single-threaded work of the kind `geqo up` does (JSON out and back in), in ms. Taken before
 * `geqo up` starts and after the drain (with `geqo up` idle), so two soaks can be told apart
 * by their machine as well as by their code (on a shared host the same work varies by a third).
 */
function processorProbeMs(): number {
  const sample = Array.from({ length: 20_000 }, (_, i) => ({
    type: 'positions',
    ts: 1_767_000_000_000 + i,
    n: [i * 1.25, -i / 3, 64.5, 90, 100, 0, 1],
    id: `7656119811704${i}`,
  }));
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 6; run++) {
    const started = performance.now();
    JSON.parse(JSON.stringify(sample));
    // The first run warms the code up.
    if (run > 0) best = Math.min(best, performance.now() - started);
  }
  return best;
}

/** Processor time the host took from this machine (`steal` in /proc/stat), ms; NaN where unknown. */
function stolenMs(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/) ?? [];
    return Number(fields[8]) * 10;
  } catch {
    return Number.NaN;
  }
}

/** CPU ticks (user + system) of a process or thread from its `stat` file; 0 if gone. */
function statTicks(path: string): number {
  try {
    const fields = readFileSync(path, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** Sum and count of the geqo up histograms the timeline reads, from its `/metrics` text. */
function histogramTotals(text: string) {
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return {
    check: { sum: value('geqo_ingest_check_ms_sum'), count: value('geqo_ingest_check_ms_count') },
    ack: { sum: value('geqo_ingest_ack_ms_sum'), count: value('geqo_ingest_ack_ms_count') },
    batch: { sum: value('geqo_worker_batch_ms_sum'), count: value('geqo_worker_batch_ms_count') },
    stats: { sum: value('geqo_stats_aggregation_ms_sum'), count: value('geqo_stats_aggregation_ms_count') },
  };
}

interface WalFigures {
  /** WAL written so far, bytes. */
  wal: number;
  /** Full-page images written to the WAL so far (each page's first change after a checkpoint). */
  fullPages: number;
  /** Times a backend found the WAL buffers full and wrote WAL itself. */
  buffersFull: number;
  timed: number;
  requested: number;
}

/** WAL written so far and checkpoints begun, or null where the server cannot tell. */
async function walFigures(db: pg.Client): Promise<WalFigures | null> {
  try {
    const { rows } = await db.query(
      `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::float8 AS wal, c.num_timed::float8 AS timed,
              c.num_requested::float8 AS requested, w.wal_fpi::float8 AS full_pages,
              w.wal_buffers_full::float8 AS buffers_full
         FROM pg_stat_checkpointer c, pg_stat_wal w`,
    );
    const row = rows[0] as Record<string, unknown> | undefined;
    return row
      ? {
          wal: Number(row.wal),
          fullPages: Number(row.full_pages),
          buffersFull: Number(row.buffers_full),
          timed: Number(row.timed),
          requested: Number(row.requested),
        }
      : null;
  } catch {
    return null;
  }
}

/** This process's CPU time in ticks (1/100 s). */
const cpuTicks = ({ user, system }: NodeJS.CpuUsage) => (user + system) / 10_000;

/** CPU ticks of the PostgreSQL processes: the postmaster and its children (alive ones). */
function postgresTicks(postmasterPid: number): number {
  let total = statTicks(`/proc/${postmasterPid}/stat`);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      if (Number(fields[1]) === postmasterPid) total += Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/**
 * The soak second by second: acks, their latency, dashboard latency, the worker's lag, the
 * harness's own event-loop delay and where the CPU went, so stalls can be told from noise and
 * lined up with geqo up's log (whose lines carry the time).
 */
class Timeline {
  readonly seconds: Second[] = [];
  private startedAt = Date.now();
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });
  private timer: NodeJS.Timeout | undefined;
  private last = { geqo: 0, main: 0, postgres: 0, harness: 0 };
  private lastTotals = histogramTotals('');

  now(): Second {
    const index = Math.max(0, Math.floor((Date.now() - this.startedAt) / 1000));
    while (this.seconds.length <= index)
      this.seconds.push({
        acks: [],
        ackedEvents: 0,
        dashboard: [],
        harnessLagMs: 0,
        workerLag: 0,
        maintenance: '',
        ingest: { checkMs: Number.NaN, ackMs: Number.NaN },
        worker: { batches: 0, batchMs: Number.NaN },
        statsMs: 0,
        cpu: { geqo: 0, main: 0, postgres: 0, harness: 0 },
        dirtyMiB: Number.NaN,
      });
    return this.seconds[index]!;
  }

  /** Starts the clock (second 0 = now) and the once-a-second samples. */
  start(
    sample: {
      geqoPid: number;
      postmasterPid: number;
      lag: () => Promise<number>;
      /** What PostgreSQL's autovacuum is working on, `CHECKPOINT` while one runs, or ''. */
      maintenance: () => Promise<string>;
      /** geqo up's `/metrics` text. */
      metrics: () => Promise<string>;
    },
    print?: (line: string) => void,
  ): void {
    this.startedAt = Date.now();
    this.loopDelay.enable();
    const ticks = () => ({
      geqo: statTicks(`/proc/${sample.geqoPid}/stat`),
      main: statTicks(`/proc/${sample.geqoPid}/task/${sample.geqoPid}/stat`),
      postgres: postgresTicks(sample.postmasterPid),
      harness: cpuTicks(process.cpuUsage()),
    });
    this.last = ticks();
    this.timer = setInterval(() => {
      const second = this.seconds[Math.floor((Date.now() - this.startedAt) / 1000) - 1] ?? this.now();
      second.harnessLagMs = this.loopDelay.max / 1e6;
      this.loopDelay.reset();
      const now = ticks();
      // Ticks are 1/100 s: per second, that is % of one core.
      second.cpu = {
        geqo: now.geqo - this.last.geqo,
        main: now.main - this.last.main,
        postgres: now.postgres - this.last.postgres,
        harness: Math.round(now.harness - this.last.harness),
      };
      this.last = now;
      second.dirtyMiB = dirtyMiB();
      const index = this.seconds.indexOf(second);
      void Promise.allSettled([sample.lag(), sample.metrics(), sample.maintenance()]).then(
        ([lag, metrics, maintenance]) => {
          if (lag.status === 'fulfilled') second.workerLag = lag.value;
          if (maintenance.status === 'fulfilled') second.maintenance = maintenance.value;
          if (metrics.status === 'fulfilled') {
            const now = histogramTotals(metrics.value);
            const mean = (name: 'check' | 'ack' | 'batch') =>
              (now[name].sum - this.lastTotals[name].sum) / (now[name].count - this.lastTotals[name].count);
            second.ingest = { checkMs: mean('check'), ackMs: mean('ack') };
            second.worker = {
              batches: now.batch.count - this.lastTotals.batch.count,
              batchMs: mean('batch'),
            };
            second.statsMs = now.stats.sum - this.lastTotals.stats.sum;
            this.lastTotals = now;
          }
          print?.(Timeline.format(index, second));
        },
      );
    }, 1_000);
  }

  stop(): void {
    clearInterval(this.timer);
    this.loopDelay.disable();
  }

  static header =
    '   s  acks  ack p50/p99/max ms    events/s  dash n  dash p50/max ms  lag rec  harness lag ms  geqo check/ack ms  batches/ms  stats ms  cpu% geqo/main/pg/harness  dirty MiB  autovacuum';

  static format(index: number, s: Second): string {
    const p = (values: number[], q: number) => format(percentile(values, q)).padStart(6);
    return `${String(index).padStart(4)} ${String(s.acks.length).padStart(5)}  ${p(s.acks, 50)}${p(s.acks, 99)}${format(Math.max(0, ...s.acks)).padStart(7)} ${format(s.ackedEvents).padStart(10)} ${String(s.dashboard.length).padStart(7)}  ${p(s.dashboard, 50)}${format(Math.max(0, ...s.dashboard)).padStart(8)}  ${format(s.workerLag).padStart(7)}  ${format(s.harnessLagMs).padStart(14)}  ${format(s.ingest.checkMs).padStart(8)}/${format(s.ingest.ackMs).padEnd(8)}  ${String(s.worker.batches).padStart(3)}/${format(s.worker.batchMs).padEnd(6)}  ${format(s.statsMs).padStart(8)}  ${String(s.cpu.geqo).padStart(5)}/${String(s.cpu.main).padStart(3)}/${String(s.cpu.postgres).padStart(3)}/${String(s.cpu.harness).padStart(3)}  ${format(s.dirtyMiB).padStart(9)}  ${s.maintenance}`;
  }
}

/** What the honest servers sent and had acked, frame by frame, for the key-for-key check. */
class HonestLedger {
  /** `server/session` → events per seq (index = seq). */
  readonly planned = new Map<string, number[]>();
  plannedEvents = 0;
  ackedEvents = 0;
  rejected = 0;
  /** The viewer's subscriptions answered RATE_LIMITED (and asked again). */
  subscriptionsRefused = 0;
  readonly ackLatencies: number[] = [];
  readonly dashboardLatencies: number[] = [];
  /** The same frames timed when the harness's main thread read the viewer's word of them. */
  readonly dashboardLatenciesHere: number[] = [];
  constructor(readonly timeline: Timeline) {}

  acked(events: number, latencyMs: number): void {
    this.ackedEvents += events;
    this.ackLatencies.push(latencyMs);
    this.timeline.now().acks.push(latencyMs);
    this.timeline.now().ackedEvents += events;
  }

  dashboard(latencyMs: number, hereMs: number): void {
    this.dashboardLatencies.push(latencyMs);
    this.dashboardLatenciesHere.push(hereMs);
    this.timeline.now().dashboard.push(latencyMs);
  }

  plan(server: string, session: string, frames: readonly PlannedFrame[]): void {
    const perSeq: number[] = [];
    for (const { frame } of frames) {
      perSeq[frame.seq] = frame.events.length;
      this.plannedEvents += frame.events.length;
    }
    this.planned.set(`${server}/${session}`, perSeq);
  }
}

/** A match of the pool the honest servers play, packed once for all of them. */
interface PoolMatch {
  packed: PackedMatch;
  /** Multiple of real time it is played at (its events at one server's share of the rate). */
  speed: number;
  /** Source time of each frame's first event. */
  sourceTs: number[];
}

function poolMatch(events: readonly AnyEvent[], rate: number): PoolMatch {
  const speed = playSeconds(events) / (events.length / rate);
  const packed = PackedMatch.of(events, {
    maxEvents: 100,
    maxSpanMs: 250 * speed,
    maxBase64Chars: DEFAULT_CODEC_LIMITS.maxFrameBase64Chars,
  });
  return { packed, speed, sourceTs: packed.frames({ server: '', session: '' }).map((f) => f.sourceTs) };
}

/**
 * One honest server: synthetic matches one after another, each paced to `rate` events/s and in
 * its own session, until the deadline; the last is cut where the time runs out.
 */
async function runHonestServer(
  index: number,
  server: { serverId: string; token: string },
  pool: readonly PoolMatch[],
  context: {
    ingestUrl: string;
    window: number;
    deadline: Deadline;
    ledger: HonestLedger;
    /** The replay clients running now (closed if the runtime dies). */
    running: Set<PluginClient>;
    /** Called with each frame's send time, for the followed server (event-to-dashboard). */
    onSent?: (session: string, seq: number, at: number) => void;
  },
): Promise<void> {
  for (let round = 0; context.deadline.open(); round++) {
    const { packed, speed, sourceTs } = pool[(index + round) % pool.length]!;
    // The frames due before the deadline: the last match is cut where the time runs out.
    const remainingMs = context.deadline.remainingMs();
    const count = sourceTs.findIndex((ts) => (ts - packed.firstTs) / speed > remainingMs);
    const session = `soak-${index}-${round}`;
    const frames = packed.frames({ server: server.serverId, session }, count === -1 ? packed.length : count);
    if (frames.length === 0) break;
    context.ledger.plan(server.serverId, session, frames);
    const client = new PluginClient(frames, {
      url: context.ingestUrl,
      token: server.token,
      window: context.window,
      speed,
    });
    const { ledger, onSent } = context;
    if (onSent) client.on('sent', ({ seq, at }: { seq: number; at: number }) => onSent(session, seq, at));
    client.on('ack', ({ events: acked, latencyMs }: { events: number; latencyMs: number }) =>
      ledger.acked(acked, latencyMs),
    );
    context.running.add(client);
    try {
      const stats = await client.run();
      ledger.rejected += stats.rejectedFrames;
    } catch (error) {
      log(`honest server ${index} (${session}) gave up: ${String(error)}`);
    } finally {
      context.running.delete(client);
    }
  }
}

/** Counters of the hostile traffic. */
const hostileCounts = {
  frames: 0,
  frameReplies: new Map<string, number>(),
  dashboardConnects: 0,
  dashboardMessages: 0,
  slowRequests: 0,
  requests: 0,
  requests5xx: [] as string[],
  healthFailures: [] as string[],
};

function countReply(kind: string): void {
  hostileCounts.frameReplies.set(kind, (hostileCounts.frameReplies.get(kind) ?? 0) + 1);
}

/** A hostile server: mutated and garbage frames, about `perSecond` a second. */
async function hostileFrames(
  ingestUrl: string,
  token: string,
  serverId: string,
  deadline: Deadline,
  perSecond: number,
) {
  const frames = frameCase({ server: serverId });
  const socket = new HostilePluginSocket(ingestUrl, token, 10_000);
  for (let seed = 1; deadline.open(); seed++) {
    const [item] = fc.sample(
      fc.oneof(
        frames.map((c) => c.message),
        garbageText,
      ),
      { seed, numRuns: 1 },
    );
    if (item === undefined) continue;
    const message =
      typeof item === 'string'
        ? ({ opcode: 'text', data: item } as const)
        : ({ opcode: 'binary', data: item } as const);
    try {
      const outcome = await socket.send(message);
      hostileCounts.frames++;
      countReply(outcome.kind === 'error' ? `error ${outcome.code}` : outcome.kind);
    } catch (error) {
      countReply(`connect failed: ${String(error).slice(0, 60)}`);
      await sleep(1_000);
    }
    await sleep(1_000 / perSecond);
  }
  socket.close();
}

/** Dashboard sockets that subscribe to many matches, send junk, and drop their connections. */
async function dashboardStorm(httpPort: number, deadline: Deadline, sockets: number) {
  const storm = async (slot: number) => {
    for (let cycle = 0; deadline.open(); cycle++) {
      const ws = new WebSocket(`ws://127.0.0.1:${httpPort}/ws`, { localAddress: HOSTILE_ADDRESS });
      hostileCounts.dashboardConnects++;
      ws.on('message', () => {
        hostileCounts.dashboardMessages++;
      });
      ws.on('error', () => {});
      const opened = await new Promise<boolean>((resolve) => {
        ws.once('open', () => resolve(true));
        ws.once('error', () => resolve(false));
        setTimeout(() => resolve(false), 5_000).unref();
      });
      if (opened) {
        for (let n = 0; n < 50; n++)
          ws.send(JSON.stringify({ action: 'subscribe', matchId: `m-${slot}-${cycle}-${n}` }));
        ws.send(JSON.stringify({ action: 'subscribe', topic: 'matches' }));
        ws.send('{"action":');
        ws.send(JSON.stringify({ action: 'subscribe', matchId: 'x'.repeat(10_000) }));
        ws.send(JSON.stringify({ action: 'unsubscribe', topic: 'matches' }));
        await sleep(200 + ((slot * 97 + cycle * 31) % 800));
      }
      // Half go without a goodbye: the server finds out from the TCP reset.
      if (cycle % 2 === 0) ws.terminate();
      else ws.close();
      await sleep(100);
    }
  };
  await Promise.all(Array.from({ length: sockets }, (_, slot) => storm(slot)));
}

/** Slowloris: requests whose headers or body arrive a byte every few seconds, `open` at a time. */
async function slowRequests(httpPort: number, token: string, deadline: Deadline, open: number) {
  const slow = async (slot: number) => {
    while (deadline.open()) {
      hostileCounts.slowRequests++;
      const socket: Socket = connect({ port: httpPort, host: '127.0.0.1', localAddress: HOSTILE_ADDRESS });
      socket.on('error', () => {});
      let closed = false;
      socket.on('close', () => {
        closed = true;
      });
      const headersOnly = slot % 2 === 0;
      socket.write(
        headersOnly
          ? 'POST /v1/servers HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '
          : `POST /v1/webhooks/matchzy HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"event":"`,
      );
      const until = Date.now() + 30_000;
      while (!closed && deadline.open() && Date.now() < until) {
        socket.write('a');
        await sleep(2_000);
      }
      socket.destroy();
    }
  };
  await Promise.all(Array.from({ length: open }, (_, slot) => slow(slot)));
}

/** Broken REST, log and webhook requests, about `perSecond` a second; every answer must be below 500. */
async function brokenRequests(
  httpPort: number,
  auth: { serverId: string; token: string },
  deadline: Deadline,
  perSecond: number,
) {
  const requests = hostileRequest(auth);
  for (let seed = 1; deadline.open(); seed++) {
    const [request] = fc.sample(requests, { seed, numRuns: 1 });
    if (request === undefined) continue;
    const outcome = await rawHttpRequest(httpPort, request);
    hostileCounts.requests++;
    if (typeof outcome.status !== 'number' || outcome.status >= 500) {
      if (hostileCounts.requests5xx.length < 20)
        hostileCounts.requests5xx.push(`${request.label.slice(0, 160)} -> ${outcome.status}`);
    }
    await sleep(1_000 / perSecond);
  }
}

async function main(): Promise<number> {
  const options = readOptions();
  log(
    `soak: ${options.minutes} min, ${options.servers} servers at ${options.rate.toLocaleString('en-US')} events/s in all, hostile: ${[...options.hostile].join(', ') || 'none'}`,
  );
  const probeBefore = processorProbeMs();
  const bench = await startBenchRuntime(log);
  const { runtime, db, postmasterPid } = bench;
  // A server that goes away shows in the queries' errors; without a listener it would crash the soak.
  db.on('error', (error) => log(`database connection: ${String(error)}`));
  const api = `http://127.0.0.1:${runtime.httpPort}`;
  const ingestUrl = `ws://127.0.0.1:${runtime.ingestPort}/`;
  let runtimeDied = false;
  let stopping = false;
  const pid = runtime.child.pid ?? 0;
  runtime.child.once('exit', (code) => {
    if (stopping) return;
    runtimeDied = true;
    log(`geqo up exited (${code}) during the soak:\n${runtime.stderr().slice(-2_000)}`);
  });
  try {
    const honest = await addServers(api, options.servers, 'soak');
    const [hostileServer] = await addServers(api, 1, 'soak hostile');
    if (hostileServer === undefined) throw new Error('could not register the hostile server');
    // Every server plays these matches in turn, each paced to its share of the rate. They are split
    // into frames and packed once, before the clock starts; each frame is compressed as it is sent.
    const perServerRate = options.rate / options.servers;
    const pool = Array.from({ length: 8 }, (_, i) =>
      poolMatch(
        generateSyntheticMatch({ rounds: options.rounds, seed: 7 + i, startTs: Date.now() }),
        perServerRate,
      ),
    );
    const timeline = new Timeline();
    const ledger = new HonestLedger(timeline);

    // Event-to-dashboard: a viewer follows the first server's matches, as the benchmark's does,
    // in a thread of its own (`soak-viewer/viewer.ts` says why); each frame is timed from when
    // its replay client sent it to when the viewer first saw it, and, for comparison, to when
    // this thread read the viewer's word of it.
    const followed = honest[0]!.serverId;
    const sentAt = new Map<string, number>();
    const viewer = new Worker(new URL('./soak-viewer/entry.mjs', import.meta.url), {
      workerData: { httpPort: runtime.httpPort, serverId: followed } satisfies ViewerData,
      name: 'soak-viewer',
    });
    viewer.on('error', (error) => log(`dashboard viewer failed: ${String(error)}`));
    const viewerReady = new Promise<void>((resolve, reject) => {
      viewer.once('error', reject);
      viewer.on('message', (message: FromViewer) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'refused') ledger.subscriptionsRefused += 1;
        else if (message.type === 'frame') {
          const sent = sentAt.get(message.frame);
          if (sent === undefined) return;
          sentAt.delete(message.frame);
          ledger.dashboard(message.at - sent, Date.now() - sent);
        }
      });
    });
    await viewerReady;

    const walBefore = await walFigures(db);
    const stolenBefore = stolenMs();
    const startedAt = Date.now();
    if (options.verbose) log(Timeline.header);
    timeline.start(
      {
        geqoPid: pid,
        postmasterPid,
        lag: async () => {
          const { rows } = await db.query(
            `SELECT (SELECT max(id) FROM stream_records WHERE stream = 'raw-game-events')::float8
                  - coalesce((SELECT "offset" FROM stream_offsets WHERE stream = 'raw-game-events' AND consumer = 'worker'), 0)::float8 AS lag`,
          );
          return Number(rows[0]?.lag ?? 0);
        },
        maintenance: async () => {
          // The checkpointer waits on CheckpointerMain between checkpoints, on anything else in one.
          const { rows } = await db.query<{ work: string | null; checkpoint: boolean | null }>(
            `SELECT string_agg(regexp_replace(query, '^autovacuum: ', ''), '; ')
                      FILTER (WHERE backend_type = 'autovacuum worker') AS work,
                    bool_or(backend_type = 'checkpointer' AND wait_event IS DISTINCT FROM 'CheckpointerMain') AS checkpoint
               FROM pg_stat_activity`,
          );
          const work = rows[0]?.work ?? '';
          return rows[0]?.checkpoint ? `CHECKPOINT${work ? `; ${work}` : ''}` : work;
        },
        metrics: async () => (await fetch(`${api}/metrics`, { signal: AbortSignal.timeout(5_000) })).text(),
      },
      options.verbose ? log : undefined,
    );
    const deadline = new Deadline(startedAt + options.minutes * 60_000);
    const running = new Set<PluginClient>();
    runtime.child.once('exit', () => {
      deadline.end();
      for (const client of running) client.close();
    });
    // RSS of geqo up, once a minute (and at the start).
    const rss: { minute: number; mib: number; acked: number }[] = [];
    const sample = () => {
      if (runtimeDied) return;
      const minute = Math.round((Date.now() - startedAt) / 6_000) / 10;
      const mib = procStatus(pid, 'VmRSS') / 1024;
      rss.push({ minute, mib, acked: ledger.ackedEvents });
      log(
        `  minute ${minute}: RSS ${mib.toFixed(0)} MiB, ${format(ledger.ackedEvents)} honest events acked, hostile: ${hostileCounts.frames} frames, ${hostileCounts.dashboardConnects} dashboard connects, ${hostileCounts.slowRequests} slow requests, ${hostileCounts.requests} requests`,
      );
    };
    sample();
    const sampler = setInterval(sample, 60_000);
    const health = setInterval(() => {
      if (runtimeDied) return;
      const asked = Date.now();
      void fetch(`${api}/healthz`, { signal: AbortSignal.timeout(5_000) })
        .then((response) => {
          if (response.status !== 200)
            hostileCounts.healthFailures.push(`healthz ${response.status} at ${asked - startedAt} ms`);
        })
        .catch((error: unknown) =>
          hostileCounts.healthFailures.push(`healthz ${String(error)} at ${asked - startedAt} ms`),
        );
    }, 10_000);

    const work: Promise<unknown>[] = honest.map((server, index) =>
      sleep((index * 2_000) / options.servers).then(() =>
        runHonestServer(index, server, pool, {
          ingestUrl,
          window: options.window,
          deadline,
          ledger,
          running,
          ...(index === 0
            ? { onSent: (session: string, seq: number, at: number) => sentAt.set(`${session}/${seq}`, at) }
            : {}),
        }),
      ),
    );
    if (options.hostile.has('frames'))
      work.push(hostileFrames(ingestUrl, hostileServer.token, hostileServer.serverId, deadline, 20));
    if (options.hostile.has('dashboards')) work.push(dashboardStorm(runtime.httpPort, deadline, 20));
    if (options.hostile.has('slow-http'))
      work.push(slowRequests(runtime.httpPort, hostileServer.token, deadline, 20));
    if (options.hostile.has('requests'))
      work.push(brokenRequests(runtime.httpPort, hostileServer, deadline, 10));
    await Promise.all(work);
    timeline.stop();
    const sentDoneAt = Date.now();
    const stolen = stolenMs() - stolenBefore;
    const walAfter = await walFigures(db);
    clearInterval(sampler);
    clearInterval(health);
    sample();

    // Drained when the worker's committed offset reaches the stream's head (as the benchmark waits).
    log('waiting for the worker to drain');
    for (;;) {
      if (runtimeDied) break;
      const { rows } = await db.query(
        `SELECT (SELECT max(id) FROM stream_records WHERE stream = 'raw-game-events')::float8 AS head,
                (SELECT "offset" FROM stream_offsets WHERE stream = 'raw-game-events' AND consumer = 'worker')::float8 AS done`,
      );
      if (Number(rows[0].done ?? 0) >= Number(rows[0].head ?? 0) || Date.now() - sentDoneAt > 300_000) break;
      await sleep(200);
    }
    const drainedAt = Date.now();
    await viewer.terminate();

    // Key for key: every planned honest frame's events stored once, nothing else in their sessions.
    const { rows } = await db.query(
      `SELECT server_id, session, seq::int AS seq, count(*)::int AS n, count(DISTINCT idx)::int AS d
         FROM game_events WHERE session LIKE 'soak-%' GROUP BY server_id, session, seq`,
    );
    const stored = new Map<string, { n: number; d: number }>();
    for (const row of rows) stored.set(`${row.server_id}/${row.session}/${row.seq}`, { n: row.n, d: row.d });
    let lost = 0;
    let duplicates = 0;
    let storedRows = 0;
    for (const [sessionKey, perSeq] of ledger.planned) {
      perSeq.forEach((events, seq) => {
        const key = `${sessionKey}/${seq}`;
        const found = stored.get(key);
        stored.delete(key);
        const distinct = Math.min(found?.d ?? 0, events);
        lost += events - distinct;
        duplicates += (found?.n ?? 0) - distinct;
        storedRows += found?.n ?? 0;
      });
    }
    for (const extra of stored.values()) duplicates += extra.n;

    const seconds = (sentDoneAt - startedAt) / 1000;
    const print = (line: string) => process.stdout.write(`${line}\n`);
    print('');
    print(
      `soak: ${(seconds / 60).toFixed(1)} min of traffic, drained ${((drainedAt - sentDoneAt) / 1000).toFixed(1)} s later`,
    );
    print(
      `  honest events planned:    ${format(ledger.plannedEvents)} (${format(ledger.plannedEvents / seconds)} events/s offered)`,
    );
    print(
      `  honest events acked:      ${format(ledger.ackedEvents)} (${format(ledger.ackedEvents / seconds)} events/s)`,
    );
    print(
      `  honest events stored:     ${format(storedRows)} (${format(storedRows / ((drainedAt - startedAt) / 1000))} events/s, drain included)`,
    );
    print(
      `  frame-to-ack:             p50 ${format(percentile(ledger.ackLatencies, 50))} ms, p95 ${format(percentile(ledger.ackLatencies, 95))} ms, p99 ${format(percentile(ledger.ackLatencies, 99))} ms, max ${format(ledger.ackLatencies.reduce((most, latency) => Math.max(most, latency), 0))} ms (${format(ledger.ackLatencies.length)} frames)`,
    );
    print(
      `  event-to-dashboard:       p50 ${format(percentile(ledger.dashboardLatencies, 50))} ms, p99 ${format(percentile(ledger.dashboardLatencies, 99))} ms (${format(ledger.dashboardLatencies.length)} frames of the followed server, timed where the viewer thread got them)`,
    );
    print(
      `    read by the harness:    p50 ${format(percentile(ledger.dashboardLatenciesHere, 50))} ms, p99 ${format(percentile(ledger.dashboardLatenciesHere, 99))} ms (the same frames, timed when the harness's busy main thread read the viewer's word)`,
    );
    print(
      `  geqo up RSS by minute:    ${rss.map(({ minute, mib }) => `${minute}: ${mib.toFixed(0)} MiB`).join(', ')}`,
    );
    print(
      `  hostile:                  ${hostileCounts.frames} frames (${[...hostileCounts.frameReplies].map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none'}), ${hostileCounts.dashboardConnects} dashboard connects, ${hostileCounts.slowRequests} slow requests, ${hostileCounts.requests} broken requests`,
    );
    const slow = timeline.seconds
      .map((second, index) => ({ second, index, worst: Math.max(0, ...second.acks, ...second.dashboard) }))
      .filter(({ worst }) => worst > 250);
    print(
      `  seconds with an ack or dashboard latency over 250 ms: ${slow.length} of ${timeline.seconds.length}; the worst:`,
    );
    print(`  ${Timeline.header}`);
    for (const { second, index } of [...slow].sort((a, b) => b.worst - a.worst).slice(0, 5))
      print(`  ${Timeline.format(index, second)}`);
    if (walBefore && walAfter)
      print(
        `  PostgreSQL while sending:  ${format((walAfter.wal - walBefore.wal) / 2 ** 20)} MiB of WAL (${format((walAfter.wal - walBefore.wal) / Math.max(1, ledger.ackedEvents))} bytes per acked event), ${format(walAfter.fullPages - walBefore.fullPages)} full-page images, WAL buffers full ${format(walAfter.buffersFull - walBefore.buffersFull)} times, checkpoints: ${walAfter.timed - walBefore.timed} timed, ${walAfter.requested - walBefore.requested} requested`,
      );
    print(
      `  machine:                  a fixed JSON round trip took ${format(probeBefore)} ms before geqo up started and ${format(processorProbeMs())} ms after the drain (best of 5); the host took ${format(stolen / 1000)} s of processor time from this machine while sending`,
    );
    if (hostileCounts.requests5xx.length > 0)
      print(`  requests answered 5xx or not at all:\n    ${hostileCounts.requests5xx.join('\n    ')}`);
    if (hostileCounts.healthFailures.length > 0)
      print(`  /healthz failures: ${hostileCounts.healthFailures.slice(0, 10).join('; ')}`);
    if (ledger.rejected > 0) print(`  honest frames rejected:   ${ledger.rejected}`);
    if (ledger.subscriptionsRefused > 0)
      print(`  viewer subscriptions refused (RATE_LIMITED, asked again): ${ledger.subscriptionsRefused}`);
    print(
      `  lost: ${format(lost)}, duplicates: ${format(duplicates)}${runtimeDied ? ', and geqo up died' : ''}`,
    );
    return lost > 0 || duplicates > 0 || runtimeDied ? 1 : 0;
  } finally {
    stopping = true;
    await bench.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
