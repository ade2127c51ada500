import type pg from 'pg';
import { type ApiDeps, apiRoutes } from '../../local/src/http/api-routes.ts';
import { type DashboardSocketOptions, DashboardSockets } from '../../local/src/http/dashboard-sockets.ts';
import { HttpServer } from '../../local/src/http/http-server.ts';
import { silentLogger } from '../../shared/adapters/logging/index.ts';
import { MemoryConnectionRegistry } from '../../shared/adapters/memory/index.ts';
import { PrometheusMetrics } from '../../shared/adapters/metrics/index.ts';
import { matchExistsIn, PostgresMatchQueries } from '../../shared/adapters/postgres/index.ts';
import type { ServerRegistry } from '../../shared/app/servers/index.ts';

/**
 * The local HTTP port as `geqo up` wires it (REST API, `/healthz`, the dashboard socket `/ws`
 * with its subscriptions in memory) on a given database, on a free loopback port. It also counts
 * the topics the registry reports as changed, as the worker thread is told of them.
 */
export async function startTestHttpServer(options: {
  pool: pg.Pool;
  servers: ServerRegistry;
  dashboards?: DashboardSocketOptions;
  /** The statistics and dead-letter routes, as `geqo up` wires them (else they answer 501). */
  stats?: ApiDeps['stats'];
  deadLetters?: ApiDeps['deadLetters'];
  /** More route groups (plain-ingest), as `geqo up` adds them. */
  extraRoutes?: ApiDeps['extraRoutes'];
}) {
  const { pool, servers } = options;
  const metrics = new PrometheusMetrics();
  const registry = new MemoryConnectionRegistry();
  const topicChanges = { topicsSent: 0 };
  registry.watchTopics(({ added, removed }) => {
    topicChanges.topicsSent += added.length + removed.length;
  });
  const dashboards = new DashboardSockets(registry, silentLogger, metrics, {
    matchExists: matchExistsIn(pool),
    ...options.dashboards,
  });
  const http = new HttpServer(
    apiRoutes({
      queries: new PostgresMatchQueries(pool),
      servers,
      dashboards,
      metrics,
      adminToken: null,
      ...(options.stats ? { stats: options.stats } : {}),
      ...(options.deadLetters ? { deadLetters: options.deadLetters } : {}),
      ...(options.extraRoutes ? { extraRoutes: options.extraRoutes } : {}),
      health: async () => {
        await pool.query('SELECT 1');
        return { status: 'ok', database: 'ok' };
      },
    }),
    dashboards,
    silentLogger,
  );
  const port = await http.listen(0, '127.0.0.1');
  return { port, registry, dashboards, topicChanges, close: () => http.close() };
}

export type TestHttpServer = Awaited<ReturnType<typeof startTestHttpServer>>;
