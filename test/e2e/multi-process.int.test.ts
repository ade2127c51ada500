/**
 * The several-machines topology as processes (issue 17's "done when"): one ingest, three workers
 * and one API/broadcaster, each `geqo up --role …` as a child process with the environment a
 * compose file sets, on a real Kafka broker and one PostgreSQL. Six servers replay six synthetic
 * matches; mid-match one worker is killed (SIGKILL), another is started, a third is stopped
 * (SIGTERM). The stored events must equal a single-process run's key for key, every match's
 * summary must be the same, no dead letter may appear (nothing here is bad), and a dashboard on
 * the API process must have received every match's updates, whichever worker applied them.
 */
import { ensureKafkaTopics, gameEventTopics } from '@geqo/shared/adapters/kafka';
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type PlannedFrame, planFrames } from '../../cli/src/replay/frame-batcher.ts';
import { PluginClient } from '../../cli/src/replay/plugin-client.ts';
import { type RuntimeProcess, startRuntimeProcess } from '../../local/src/process/runtime-process.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { countEvents, type StoredRow, storedEvents, waitForCount } from '../helpers/stored-events.ts';
import { type KafkaBroker, startKafkaBroker } from '../services/kafka-broker.ts';
import { uniqueName } from '../services/unique-name.ts';

const MATCHES = 6;
const ROUNDS = 4;
/** Dated recently, as live traffic is (the events land in a current partition of game_events). */
const START_TS = Date.now() - 6 * 3_600_000;
const MATCH_EVENTS = Array.from({ length: MATCHES }, (_, index) =>
  generateSyntheticMatch({ rounds: ROUNDS, seed: index + 1, startTs: START_TS + index * 60_000 }),
);
const TOTAL_EVENTS = MATCH_EVENTS.reduce((sum, events) => sum + events.length, 0);
const SERVER_NAMES = MATCH_EVENTS.map((_, index) => `server-${index}`);

/** What one run left in its database, with server and match ids replaced by the server's name. */
interface RunResult {
  events: StoredRow[];
  summaries: Map<string, unknown>;
  deadLetters: number;
}

const running: RuntimeProcess[] = [];
const databases: TestDatabase[] = [];
let broker: KafkaBroker | undefined;

afterAll(async () => {
  for (const runtime of running) {
    if (runtime.child.exitCode === null && runtime.child.signalCode === null) await runtime.kill();
  }
  for (const database of databases) await database.drop();
  await broker?.stop();
});

async function start(options: Parameters<typeof startRuntimeProcess>[0]): Promise<RuntimeProcess> {
  const runtime = await startRuntimeProcess(options);
  running.push(runtime);
  return runtime;
}

/** Registers the six servers on an API process: server name -> { id, token }. */
async function registerServers(httpPort: number): Promise<Map<string, { serverId: string; token: string }>> {
  const servers = new Map<string, { serverId: string; token: string }>();
  for (const name of SERVER_NAMES) {
    const response = await fetch(`http://127.0.0.1:${httpPort}/v1/servers`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    expect(response.status).toBe(201);
    servers.set(name, (await response.json()) as { serverId: string; token: string });
  }
  return servers;
}

/** Each server's match as plugin frames (session `boot-<index>`). */
function framesOf(servers: Map<string, { serverId: string }>): PlannedFrame[][] {
  return SERVER_NAMES.map((name, index) =>
    planFrames(MATCH_EVENTS[index] ?? [], {
      server: servers.get(name)?.serverId ?? '',
      session: `boot-${index}`,
    }),
  );
}

/** Replays frames of every server at once, as six plugins would; each must be acked. */
async function replay(
  ingestPort: number,
  servers: Map<string, { token: string }>,
  frames: PlannedFrame[][],
): Promise<void> {
  await Promise.all(
    SERVER_NAMES.map(async (name, index) => {
      const mine = frames[index] ?? [];
      if (mine.length === 0) return;
      const stats = await new PluginClient(mine, {
        url: `ws://127.0.0.1:${ingestPort}/`,
        token: servers.get(name)?.token ?? '',
      }).run();
      expect(stats.ackedFrames).toBe(mine.length);
    }),
  );
}

async function resultOf(
  databaseUrl: string,
  httpPort: number,
  servers: Map<string, { serverId: string }>,
): Promise<RunResult> {
  const nameOf = new Map([...servers].map(([name, { serverId }]) => [serverId, name]));
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    const { rows: matches } = await client.query<{ id: string; server_id: string }>(
      'SELECT id, server_id FROM matches',
    );
    const matchName = new Map(matches.map((row) => [row.id, `match-of-${nameOf.get(row.server_id)}`]));
    const events = (await storedEvents(databaseUrl))
      .map((row) => {
        const [serverId = '', ...rest] = row.key.split('/');
        return {
          ...row,
          key: [nameOf.get(serverId) ?? serverId, ...rest].join('/'),
          matchId: row.matchId === null ? null : (matchName.get(row.matchId) ?? row.matchId),
        };
      })
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const summaries = new Map<string, unknown>();
    for (const { id } of matches) {
      summaries.set(matchName.get(id) ?? id, await summaryOf(httpPort, id));
    }
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM dead_letters');
    return { events, summaries, deadLetters: rows[0]?.n ?? -1 };
  } finally {
    await client.end();
  }
}

/** A finished match's summary, once the statistics job has aggregated it. */
async function summaryOf(httpPort: number, matchId: string): Promise<unknown> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await fetch(`http://127.0.0.1:${httpPort}/v1/matches/${matchId}/summary`);
    const body = (await response.json()) as { status?: string; players?: unknown[] };
    if (response.status === 200 && body.status === 'finished' && (body.players?.length ?? 0) > 0) return body;
    if (Date.now() > deadline) throw new Error(`no finished summary of ${matchId}: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A dashboard on `/ws` following the match list: the last patch it received of each match. */
function followMatches(
  httpPort: number,
): Promise<{ latest: Map<string, Record<string, unknown>>; close(): void }> {
  return new Promise((resolveDashboard, reject) => {
    const latest = new Map<string, Record<string, unknown>>();
    const socket = new WebSocket(`ws://127.0.0.1:${httpPort}/ws`);
    socket.once('error', reject);
    socket.on('open', () => socket.send(JSON.stringify({ action: 'subscribe', topic: 'matches' })));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as {
        type: string;
        matchId?: string;
        match?: Record<string, unknown>;
      };
      if (message.type === 'subscribed') resolveDashboard({ latest, close: () => socket.close() });
      if (message.type === 'match' && message.matchId && message.match) {
        latest.set(message.matchId, { ...latest.get(message.matchId), ...message.match });
      }
    });
  });
}

/** Splits each server's frames into three parts, the places where the workers change. */
function thirds(frames: PlannedFrame[][]): [PlannedFrame[][], PlannedFrame[][], PlannedFrame[][]] {
  const part = (from: number, to: number) =>
    frames.map((mine) => mine.slice(Math.floor(mine.length * from), Math.floor(mine.length * to)));
  return [part(0, 1 / 3), part(1 / 3, 2 / 3), part(2 / 3, 1)];
}

async function exitOf(runtime: RuntimeProcess, signal: NodeJS.Signals): Promise<number | null> {
  const exited = new Promise<number | null>((resolveExit) =>
    runtime.child.once('exit', (code) => resolveExit(code)),
  );
  runtime.child.kill(signal);
  return exited;
}

describe('one ingest, three workers and one API on Kafka and one PostgreSQL', { timeout: 240_000 }, () => {
  it('stores what one process stores, key for key, through a worker killed, one started and one stopped mid-match, and a dashboard on the API sees every match', async () => {
    // Prepare: the reference, the same six matches through one `geqo up` running every role.
    const referenceDb = await createTestDatabase();
    databases.push(referenceDb);
    const single = await start({ databaseUrl: referenceDb.url });
    const referenceServers = await registerServers(single.httpPort);
    await replay(single.ingestPort, referenceServers, framesOf(referenceServers));
    await waitForCount(() => countEvents(referenceDb.url), TOTAL_EVENTS, 90_000);
    const reference = await resultOf(referenceDb.url, single.httpPort, referenceServers);
    expect(await single.stop()).toBe(0);
    expect(reference.events).toHaveLength(TOTAL_EVENTS);
    expect(reference.summaries.size).toBe(MATCHES);

    // The topology: topics made first (as compose's kafka-init does), then the processes, each
    // with the environment compose gives it and its role on the command line.
    broker = await startKafkaBroker();
    const database = await createTestDatabase();
    databases.push(database);
    const rawStream = uniqueName('raw');
    const processedStream = uniqueName('processed');
    await ensureKafkaTopics({
      brokers: broker.brokers,
      topics: gameEventTopics({ rawStream, processedStream }, { partitions: 6 }),
    });
    const env = {
      GEQO_STREAM: 'kafka',
      GEQO_KAFKA_BROKERS: broker.brokers.join(','),
      GEQO_RAW_STREAM: rawStream,
      GEQO_PROCESSED_STREAM: processedStream,
      GEQO_LOG_LEVEL: 'info',
    };
    const role = (roles: string) => start({ databaseUrl: database.url, env, args: ['--role', roles] });
    const [ingest, api, ...workers] = await Promise.all([
      role('ingest'),
      role('api,broadcaster'),
      role('worker'),
      role('worker'),
      role('worker'),
    ]);
    const [killed, stopped] = workers;
    if (!ingest || !api || !killed || !stopped) throw new Error('a process did not start');
    const servers = await registerServers(api.httpPort);
    const dashboard = await followMatches(api.httpPort);
    const [first, second, third] = thirds(framesOf(servers));

    // Act: a third of every match; one worker dies with no chance to finish its batch.
    await replay(ingest.ingestPort, servers, first);
    await waitForCount(() => countEvents(database.url), Math.floor(TOTAL_EVENTS / 6), 60_000);
    expect(await exitOf(killed, 'SIGKILL')).toBeNull();
    // The second third; a new worker joins, and, while the workers are busy with that third, one
    // leaves the group cleanly.
    const joined = await role('worker');
    const secondReplay = replay(ingest.ingestPort, servers, second);
    await waitForCount(() => countEvents(database.url), Math.floor(TOTAL_EVENTS / 2), 90_000);
    expect(await exitOf(stopped, 'SIGTERM')).toBe(0);
    await secondReplay;
    // The rest, on the two workers left.
    await replay(ingest.ingestPort, servers, third);
    await waitForCount(() => countEvents(database.url), TOTAL_EVENTS, 120_000);

    // Assess
    const result = await resultOf(database.url, api.httpPort, servers);
    expect(result.events).toHaveLength(reference.events.length);
    for (let index = 0; index < reference.events.length; index += 1) {
      // One row at a time: a difference names its key instead of printing 30,000 rows.
      if (JSON.stringify(result.events[index]) !== JSON.stringify(reference.events[index])) {
        expect(result.events[index]).toEqual(reference.events[index]);
      }
    }
    expect(result.summaries).toEqual(reference.summaries);
    expect(result.deadLetters).toBe(0);
    expect(reference.deadLetters).toBe(0);
    // The dashboard on the API process heard of every match, up to its final state.
    const client = new pg.Client(database.url);
    await client.connect();
    const { rows: matches } = await client.query<{ id: string; status: string; score: unknown }>(
      'SELECT id, status, score FROM matches',
    );
    await client.end();
    expect(matches).toHaveLength(MATCHES);
    const deadline = Date.now() + 15_000;
    while (matches.some((m) => dashboard.latest.get(m.id)?.status !== 'finished') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const match of matches) {
      expect(dashboard.latest.get(match.id), match.id).toMatchObject({
        status: 'finished',
        score: match.score,
      });
    }
    dashboard.close();
    // The worker that ran throughout went through the group's changes: its first join, then the
    // death and the newcomer (one rebalance, or two), then the clean leave.
    const survivor = await (await fetch(`http://127.0.0.1:${workers[2]?.httpPort}/metrics`)).text();
    const rebalances = Number(
      new RegExp(`^geqo_stream_rebalances_total\\{stream="${rawStream}"\\} (\\d+)`, 'm').exec(survivor)?.[1],
    );
    expect(rebalances).toBeGreaterThanOrEqual(3);
    for (const runtime of [ingest, api, joined, workers[2]]) {
      if (runtime) expect(await runtime.stop()).toBe(0);
    }
  });
});
