/**
 * The AWS deployment as `cdk synth` writes it (default: small profile, Kinesis), deployed on
 * local stand-ins by `LocalDeploy` and driven from outside as users drive it: the first server
 * registered through the HTTP API with SigV4 (`geqo server add --aws`), a full match with 8 Hz
 * positions replayed by the replay client with its default settings through the plugin WebSocket
 * API (with API Gateway's limits), and a dashboard following it through the dashboard WebSocket
 * API. The migrations custom resource runs first, against a database that only starts answering
 * two seconds later.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { type AddressInfo, connect, createServer, type Server } from 'node:net';
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { adminRequest, resolveInstance } from '../../cli/src/instance-client.ts';
import { planFrames } from '../../cli/src/replay/frame-batcher.ts';
import { PluginClient } from '../../cli/src/replay/plugin-client.ts';
import { REPO_ROOT } from '../../infra/lib/paths.ts';
import { synthApp } from '../../infra/test/synth-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { countEvents, waitForCount } from '../helpers/stored-events.ts';
import { type KinesisLocal, startKinesisLocal } from '../services/kinesis-local.ts';
import { type SqsLocal, startSqsLocal } from '../services/sqs-local.ts';
import { bundleDirFor, LOCAL_CREDENTIALS, LocalDeploy } from './local-deploy.ts';
import type { CfnTemplate, StackTemplate } from './template-deployment.ts';

/** When the database starts answering the migrations function. */
const DATABASE_LATE_MS = 2_000;

/**
 * Rounds of the replayed match: the regulation 24 by default (34,606 events with positions at
 * 8 Hz, 6,430 frames; about 90 s on a two-core machine, where kinesis-local takes some 60 frames a
 * second); `GEQO_AWS_MATCH_ROUNDS=6` replays a complete MR3 in about half that.
 */
const MATCH_ROUNDS = Number(process.env.GEQO_AWS_MATCH_ROUNDS ?? 24);

/** The cost profile deployed: `small` (the default of a new stage), or `GEQO_AWS_PROFILE=production`. */
const PROFILE = process.env.GEQO_AWS_PROFILE ?? 'small';

let kinesis: KinesisLocal | undefined;
let sqs: SqsLocal | undefined;
let database: TestDatabase | undefined;
let lateDatabase: { url: string; server: Promise<Server>; arm(): void } | undefined;
let migrationsStartedAt = 0;
const bundleDir = bundleDirFor(REPO_ROOT, `deploy-${randomBytes(4).toString('hex')}`);
let deploy: LocalDeploy | undefined;
let stacks: StackTemplate[] = [];
const sockets: WebSocket[] = [];

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * `url`'s database behind a port where nothing listens until `afterMs` after `arm()` (a TCP relay
 * starts then).
 */
async function databaseAnsweringLate(url: string, afterMs: number) {
  const target = new URL(url);
  const port = await freePort();
  const late = new URL(url);
  late.port = String(port);
  let arm = () => {};
  const server = new Promise<Server>((resolve) => {
    arm = () =>
      setTimeout(() => {
        const relay = createServer((client) => {
          const upstream = connect(Number(target.port), target.hostname);
          client.pipe(upstream).pipe(client);
          client.on('error', () => upstream.destroy());
          upstream.on('error', () => client.destroy());
        });
        relay.listen(port, '127.0.0.1', () => resolve(relay));
      }, afterMs);
  });
  return { url: late.toString(), server, arm: () => arm() };
}

beforeAll(async () => {
  // The stand-ins start (kinesis-local in its own process) while the app is synthesized.
  const starting = Promise.allSettled([
    startKinesisLocal().then((value) => (kinesis = value)),
    startSqsLocal().then((value) => (sqs = value)),
    createTestDatabase('geqo_aws_deploy').then((value) => (database = value)),
  ]);
  // The templates, as `cdk synth` writes them with cdk.json's context (Kinesis).
  const app = synthApp({ profile: PROFILE });
  try {
    stacks = [
      { stackName: app.stacks.data.stackName, template: app.data.toJSON() as CfnTemplate },
      { stackName: app.stacks.pipeline.stackName, template: app.pipeline.toJSON() as CfnTemplate },
    ];
  } finally {
    app.cleanup();
  }
  const started = await starting;
  const failed = started.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  // `geqo server add --aws` signs with the default credential chain: the environment, here.
  process.env.AWS_ACCESS_KEY_ID = LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID;
  process.env.AWS_SECRET_ACCESS_KEY = LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY;
  lateDatabase = await databaseAnsweringLate(database!.url, DATABASE_LATE_MS);
  deploy = await LocalDeploy.deploy({
    stacks,
    kinesis: kinesis!,
    sqs: sqs!,
    databaseUrl: database!.url,
    migrationsDatabaseUrl: lateDatabase.url,
    beforeCustomResources: () => {
      migrationsStartedAt = Date.now();
      lateDatabase?.arm();
    },
    bundleDir,
  });
});

afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  await deploy?.stop();
  const relay = await Promise.race([lateDatabase?.server, Promise.resolve(undefined)]);
  await new Promise<void>((resolve) => (relay ? relay.close(() => resolve()) : resolve()));
  await Promise.all([kinesis?.stop(), sqs?.stop(), database?.drop()]);
  rmSync(bundleDir, { recursive: true, force: true });
});

/** A dashboard on the dashboard WebSocket API: every JSON message it received. */
async function dashboardClient(url: string) {
  const socket = new WebSocket(url);
  sockets.push(socket);
  const messages: Record<string, unknown>[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const waitFor = async (predicate: (message: Record<string, unknown>) => boolean, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = messages.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`dashboard: no such message in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { socket, messages, waitFor, send: (message: unknown) => socket.send(JSON.stringify(message)) };
}

describe(`a local deploy of the synthesized templates (${PROFILE} profile, Kinesis)`, () => {
  it('created the migrations resource as CloudFormation does, after retrying until the database answered', async () => {
    const [migrations] = deploy!.customResources;
    expect(migrations?.resource.type).toBe('Custom::GeqoMigrations');
    expect(migrations?.response).toMatchObject({
      PhysicalResourceId: 'geqo-schema',
      Data: { current: expect.any(Number) },
    });
    expect(migrations?.durationMs).toBeGreaterThanOrEqual(DATABASE_LATE_MS - 50);
    expect(migrationsStartedAt).toBeGreaterThan(0);
    const retries = deploy!
      .logs()
      .filter(
        ({ folder, line }) => folder === 'migrate' && line.msg === 'database not reachable yet; retrying',
      );
    expect(retries.length).toBeGreaterThanOrEqual(1);
  });

  it('stores a full match replayed through the plugin API with the client defaults, and a dashboard follows it live', async () => {
    // Prepare: the first server, registered as `geqo server add --aws` does it.
    const httpApi = deploy!.httpApi!;
    const instance = await resolveInstance({ aws: true, url: httpApi.url, region: deploy!.region });
    const added = await adminRequest<{ serverId: string; token: string }>(instance, '/v1/servers', {
      method: 'POST',
      body: { name: 'local deploy #1' },
    });
    const events = generateSyntheticMatch({ rounds: MATCH_ROUNDS });
    expect(events.filter((event) => event.type === 'positions').length).toBeGreaterThan(1_000);
    expect(events.at(-1)?.type).toBe('match_end');
    const frames = planFrames(events, { server: added.serverId, session: 'local-deploy' });
    const dashboard = await dashboardClient(deploy!.webSocket('dashboard').url);
    dashboard.send({ action: 'subscribe', topic: 'matches' });
    await dashboard.waitFor((message) => message.type === 'subscribed' && message.topic === 'matches');
    const plugin = deploy!.webSocket('plugin');

    // Act: the replay client with its defaults (binary frames first, as it sends them locally).
    const client = new PluginClient(frames, { url: plugin.url, token: added.token });
    let textMode = false;
    client.on('text-mode', () => {
      textMode = true;
    });
    const replay = client.run();
    const opened = await dashboard.waitFor((message) => message.type === 'match', 60_000);
    const matchId = String(opened.matchId);
    dashboard.send({ action: 'subscribe', matchId });
    const stats = await replay;

    // Assess: every frame acked, none rejected; API Gateway refused the first binary frame (1003)
    // and the client went on in base64 text.
    expect(client.rejections).toEqual([]);
    expect(stats.ackedEvents).toBe(events.length);
    expect(textMode).toBe(true);
    expect(plugin.closed.some((closed) => closed.code === 1003)).toBe(true);
    expect(plugin.closed.filter((closed) => closed.code === 1009)).toEqual([]);
    // Stored whole: the event count in PostgreSQL is the count sent.
    await waitForCount(() => countEvents(database!.url), events.length, 60_000);
    expect(await countEvents(database!.url)).toBe(events.length);
    // The dashboard got the match's events through the broadcaster and the Management API.
    await dashboard.waitFor((message) => message.type === 'events' && message.matchId === matchId, 30_000);
    expect(deploy!.poller('worker').stats).toMatchObject({ functionErrors: 0, discardedBatches: 0 });
    expect(deploy!.poller('broadcaster').stats.discardedBatches).toBe(0);
    expect([...plugin.errors, ...deploy!.webSocket('dashboard').errors, ...httpApi.errors]).toEqual([]);
  }, 300_000);
});
