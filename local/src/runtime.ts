/**
 * `geqo up`: the whole platform in one process (DESIGN.md section 2, "Local runtime"): plugin
 * WebSocket ingest, the durable local stream, the worker, the broadcaster, the REST API and the
 * dashboard socket, on an embedded or given PostgreSQL. With `--role` it runs only some of them,
 * over Kafka and a shared PostgreSQL, beside processes that run the others (`roles/roles.ts`).
 */
import type { IncomingMessage } from 'node:http';
import { MemoryConnectionRegistry } from '@geqo/shared/adapters/memory';
import { PrometheusMetrics } from '@geqo/shared/adapters/metrics';
import {
  matchExistsIn,
  PostgresDeadLetterStore,
  PostgresEventStore,
  PostgresMatchQueries,
  PostgresServerRepository,
  PostgresStreamConsumer,
} from '@geqo/shared/adapters/postgres';
import { Broadcaster } from '@geqo/shared/app/broadcast';
import { DeadLetterReplay } from '@geqo/shared/app/dead-letters';
import { FrameIngestor } from '@geqo/shared/app/ingest';
import { ServerRegistry } from '@geqo/shared/app/servers';
import { type EngineDriver, processedRecords } from '@geqo/shared/app/worker';
import type { Frame } from '@geqo/shared/domain/codec';
import type { Logger, StreamConsumer } from '@geqo/shared/ports';
import type { LocalConfig } from './config.ts';
import { type OpenDatabase, openDatabase, postgresDataDirOf } from './database.ts';
import { digestFrame, readDigest } from './frame-digests.ts';
import { apiRoutes } from './http/api-routes.ts';
import { dashboardRoutes } from './http/dashboard-routes.ts';
import { DashboardSockets } from './http/dashboard-sockets.ts';
import { healthRoutes } from './http/health-routes.ts';
import { HttpServer } from './http/http-server.ts';
import { plainIngestRoutes } from './http/plain-ingest-routes.ts';
import type { Router } from './http/router.ts';
import { startIdleMatchSweep } from './idle-match-sweep.ts';
import { IngestServer } from './ingest-server.ts';
import { checkPortsFree } from './port-check.ts';
import { autovacuumWorkersOf, lowerMaintenancePriority } from './postgres/maintenance-priority.ts';
import { openRawStream } from './raw-stream.ts';
import { type Loop, startLoop } from './retrying-loop.ts';
import { withDeadLettersOnTopic } from './roles/dead-letters-on-topic.ts';
import { openProcessedStream } from './roles/processed-stream.ts';
import type { Role } from './roles/roles.ts';
import { createStatsAggregation } from './stats-aggregation.ts';
import { startStreamTrim } from './stream-trim.ts';
import { startWorkerRunner } from './worker-runner.ts';
import { startWorkerThread } from './worker-thread/worker-thread.ts';

export interface Runtime {
  /** The plugin WebSocket port; null in a process without the ingest role. */
  ingestPort: number | null;
  httpPort: number;
  roles: readonly Role[];
  databaseUrl: string;
  /** Where the embedded PostgreSQL keeps its data (null with `DATABASE_URL`). */
  postgresDataDir: string | null;
  /** Stop accepting, drain what was accepted, checkpoint, close. */
  stop(): Promise<void>;
}

export async function startRuntime(
  config: LocalConfig,
  logger: Logger,
  options: { engine?: EngineDriver } = {},
): Promise<Runtime> {
  // Only the ports this process's roles open are checked.
  await checkPortsFree(
    { ...config, ingestPort: config.roles.includes('ingest') ? config.ingestPort : 0 },
    postgresDataDirOf(config.dataDir),
  );
  const database = await openDatabase(config, logger, {
    mode: 'owner',
    poolSize: 12,
    applicationName: 'geqo-up',
  });
  try {
    return await startOnDatabase(database, config, logger, options);
  } catch (error) {
    // A start that fails half way stops the embedded PostgreSQL it started.
    await database.close();
    throw error;
  }
}

async function startOnDatabase(
  database: OpenDatabase,
  config: LocalConfig,
  logger: Logger,
  options: { engine?: EngineDriver },
): Promise<Runtime> {
  const has = (role: Role) => config.roles.includes(role);
  const metrics = new PrometheusMetrics();
  const { pool } = database;
  // What `stop()` closes, in this order, after the loops have stopped.
  const closers: (() => Promise<void>)[] = [];
  // The embedded server shares this machine: its autovacuum yields to ingest and the worker.
  if (database.embedded) {
    const maintenance = lowerMaintenancePriority({ autovacuumWorkers: autovacuumWorkersOf(pool), logger });
    closers.push(async () => maintenance.stop());
  }

  // The raw stream: durable in PostgreSQL unless asked otherwise. Ingest and the API (dead-letter
  // replay) put on it, the worker reads it.
  const {
    producer: rawProducer,
    consumer: rawConsumer,
    checkpointInTransaction,
    appended,
    trim: trimRawStream,
    close: closeRawStream,
  } = await openRawStream(config, database, logger, metrics);
  if (closeRawStream) closers.push(closeRawStream);
  const processed = await openProcessedStream(config, has('broadcaster'), logger);
  closers.push(() => processed.close());

  const servers = new ServerRegistry(new PostgresServerRepository(pool));
  const registry = new MemoryConnectionRegistry();
  // The dashboard sockets (`/ws`) are the broadcaster's: a process without it has none to offer.
  const dashboards = new DashboardSockets(registry, logger.child({ component: 'dashboard' }), metrics, {
    matchExists: matchExistsIn(pool),
    maxSubscriptions: config.wsMaxSubscriptions,
    maxConnectionsPerAddress: config.wsMaxConnectionsPerAddress,
    allowedOrigins: config.allowedOrigins,
    readToken: config.readToken,
  });
  const stats = createStatsAggregation({ pool, logger, metrics });

  // The worker runs in its own thread on the PostgreSQL stream; otherwise (or when asked) here.
  const runsWorker = has('worker');
  const threaded =
    runsWorker && appended !== undefined && config.workerThread && options.engine === undefined;
  // A worker in this process reading the PostgreSQL stream gets each frame ingest decoded with its
  // record, as a digest (`frame-digests.ts`), and need not decode it again.
  const digests = runsWorker && appended !== undefined;
  // A worker more than its hand-over limit behind reads frames from the table, where digests are
  // not kept: one made then would be dropped unread, and ingest leaves them out until it takes them
  // again (making them is about a quarter of ingest's work; decoding again is the worker's).
  const handOver = { taking: true };
  const onHandOverChange = (taking: boolean) => {
    handOver.taking = taking;
  };
  // A worker thread reads with a consumer of its own and reports through `startWorkerThread`.
  if (!threaded && rawConsumer instanceof PostgresStreamConsumer)
    rawConsumer.onHandOverChange = onHandOverChange;
  const ingestor = new FrameIngestor({
    producer: rawProducer,
    stream: config.rawStream,
    logger,
    metrics,
    ...(digests ? { digest: (frame: Frame) => (handOver.taking ? digestFrame(frame) : undefined) } : {}),
  });

  const loops: Loop[] = [];
  if (runsWorker) {
    if (threaded && appended !== undefined) {
      loops.push(
        startWorkerThread({
          config,
          databaseUrl: database.url,
          logger,
          metrics,
          appended,
          topics: { current: () => registry.topics(), watch: (listener) => registry.watchTopics(listener) },
          onProcessed: (records) => processed.producer.put(config.processedStream, records),
          onHandOverChange,
        }),
      );
    } else {
      loops.push(
        startWorkerRunner({
          pool,
          consumer: rawConsumer,
          rawStream: config.rawStream,
          batchSize: config.workerBatchSize,
          checkpointInTransaction,
          logger,
          metrics,
          processed: {
            producer: processed.producer,
            stream: config.processedStream,
            ...(processed.shared ? {} : { wanted: (topic: string) => registry.hasSubscribers(topic) }),
          },
          onMatchesEnded: stats.onMatchesEnded,
          ...(digests ? { readDigest } : {}),
          ...(processed.deadLetterTopic
            ? { store: withDeadLettersOnTopic(new PostgresEventStore(pool), processed.deadLetterTopic) }
            : {}),
          ...(options.engine ? { engine: options.engine } : {}),
        }),
      );
    }
    // The statistics job runs beside the worker: in its thread when it has one.
    if (!threaded) loops.push(stats.start());
    // Matches that will never end by themselves become abandoned; dashboards and statistics hear of it.
    loops.push(
      startIdleMatchSweep({
        pool,
        logger,
        idleMs: config.abandonAfterMinutes * 60_000,
        onAbandoned: async (patches) => {
          await processed.producer.put(config.processedStream, processedRecords([], [], patches));
          stats.onMatchesEnded();
        },
      }),
    );
  }
  // The PostgreSQL stream forgets what the worker has stored, once it is older than the retention.
  if (has('worker') && trimRawStream)
    loops.push(
      startStreamTrim({ trim: trimRawStream, retentionMs: config.streamRetentionMinutes * 60_000, logger }),
    );
  if (has('broadcaster') && processed.consumer) {
    const broadcaster = new Broadcaster({ registry, sender: dashboards, logger, metrics });
    const processedConsumer = processed.consumer;
    loops.push(
      startLoop('broadcaster', logger, async () => {
        const records = await processedConsumer.poll(1_000, 250);
        const last = records.at(-1);
        if (!last) return;
        // A viewer subscribes to a match it hears of here: it is known stored, with no lookup.
        dashboards.noteAnnouncedMatches(records);
        await broadcaster.deliver(records);
        await processedConsumer.commit(last);
      }),
    );
  }

  const ports: { http: number; ingest: number | null } = {
    http: config.httpPort,
    ingest: has('ingest') ? config.ingestPort : null,
  };
  const health = async () => {
    const roles = config.roles.join(',');
    try {
      await pool.query('SELECT 1');
      return { status: 'ok', database: 'ok', stream: config.stream, roles };
    } catch (error) {
      return { status: 'degraded', database: String(error), stream: config.stream, roles };
    }
  };
  // Every process answers /healthz and /metrics on its HTTP port; each role adds its routes.
  // The CS2 log and webhook POSTs are ingest's, and the API's too: the URLs a new server is given
  // (`serverEndpoints`) point at the process that registered it.
  const roleRoutes = [
    ...(has('ingest') || has('api')
      ? plainIngestRoutes({ pool, producer: rawProducer, config, servers, logger, metrics })
      : []),
  ];
  let router: Router;
  if (has('api')) {
    const deadLetters = new PostgresDeadLetterStore(pool);
    router = apiRoutes({
      queries: new PostgresMatchQueries(pool),
      servers,
      dashboards,
      metrics,
      adminToken: config.adminToken,
      readToken: config.readToken,
      allowedOrigins: config.allowedOrigins,
      health,
      serverEndpoints: (request, server) => serverEndpoints(request, server, ports),
      stats: stats.service,
      deadLetters: {
        store: deadLetters,
        replay: new DeadLetterReplay({ store: deadLetters, producer: rawProducer, logger }),
      },
      logger,
      extraRoutes: [
        dashboardRoutes({ logger: logger.child({ component: 'dashboard' }), radarDir: config.radarDir }),
        ...roleRoutes,
      ],
    });
  } else {
    router = healthRoutes({ metrics, health });
    for (const add of roleRoutes) add(router);
  }
  const http = new HttpServer(router, has('broadcaster') ? dashboards : null, logger);
  const ingest = has('ingest')
    ? new IngestServer({
        ingestor,
        servers,
        logger: logger.child({ component: 'ingest' }),
        metrics,
        maxFramesPerSecond: config.maxFramesPerSecond,
      })
    : null;
  const httpPort = await http.listen(config.httpPort, config.host);
  const ingestPort = ingest ? await ingest.listen(config.ingestPort, config.host) : null;
  ports.http = httpPort;
  ports.ingest = ingestPort;
  logger.info('ready', {
    ingestPort,
    httpPort,
    roles: config.roles.join(','),
    stream: config.stream,
    embeddedPostgres: database.embedded,
  });

  let stopping: Promise<void> | null = null;
  return {
    ingestPort,
    httpPort,
    roles: config.roles,
    databaseUrl: database.url,
    postgresDataDir: database.postgresDataDir,
    stop: () => {
      stopping ??= (async () => {
        logger.info('shutting down: no new frames; draining');
        await ingest?.close();
        await rawProducer.close();
        if (runsWorker) await drain(rawConsumer, logger);
        for (const loop of loops) await loop.stop();
        // The worker leaves its consumer group at once, so its partitions move without waiting
        // for the session to time out.
        if (runsWorker) await rawConsumer.close().catch(() => {});
        for (const close of closers) await close().catch(() => {});
        await http.close();
        await database.close();
        logger.info('stopped');
      })();
      return stopping;
    },
  };
}

/**
 * The plugin and log-stream URLs of a new server, on the host the caller reached this instance by
 * (its Host header) and the ports this instance listens on.
 */
function serverEndpoints(
  request: Pick<IncomingMessage, 'headers'>,
  server: { serverId: string; token: string },
  ports: { http: number; ingest: number | null },
): { pluginUrl: string; logUrl: string } {
  let host = 'localhost';
  try {
    host = new URL(`http://${request.headers.host ?? 'localhost'}`).hostname || 'localhost';
  } catch {
    // a Host header that is no host: keep localhost
  }
  return {
    // A process without ingest cannot know where the ingest processes are: the default port.
    pluginUrl: `ws://${host}:${ports.ingest ?? 13_880}/`,
    logUrl: `http://${host}:${ports.http}/v1/logs/${encodeURIComponent(server.serverId)}/${encodeURIComponent(server.token)}`,
  };
}

/** Waits (bounded) until the worker has committed everything on the stream. */
async function drain(consumer: StreamConsumer, logger: Logger): Promise<void> {
  const local = consumer as Partial<{ committedOffset(): Promise<number>; headOffset(): Promise<number> }>;
  if (!local.committedOffset || !local.headOffset) return;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const [committed, head] = await Promise.all([local.committedOffset(), local.headOffset()]);
    if (committed >= head) return;
    if (Date.now() > deadline) {
      logger.warn('drain timed out; the rest is processed at the next start', { committed, head });
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
