/**
 * The routes of plugin-free ingest (the CS2 HTTP log stream, MatchZy and get5 webhooks), wired
 * for `geqo up`: channels in PostgreSQL, frames on the runtime's raw stream, where the worker takes
 * them like any plugin's. The outboxes a crash left are put on the stream at start-up. The routes
 * themselves are the shared ones (`INGEST_ROUTES` of `@geqo/shared/app/http-api`), as on AWS.
 *
 * A CS2 server sends its log here with
 *
 * ```
 * log on
 * logaddress_delall_http
 * logaddress_add_http "http://<host>:8080/v1/logs/<serverId>/<token>"
 * ```
 *
 * and MatchZy its events with `matchzy_remote_log_url "http://<host>:8080/v1/webhooks/matchzy"`,
 * `matchzy_remote_log_header_key "Authorization"`, `matchzy_remote_log_header_value "Bearer <token>"`
 * (get5: `get5_remote_log_url`, `get5_remote_log_header_key`, `get5_remote_log_header_value`).
 */
import { PostgresIngestChannelStore } from '@geqo/shared/adapters/postgres';
import { INGEST_ROUTES, IngestApi } from '@geqo/shared/app/http-api';
import { IngestChannels, LogIngestor, WebhookIngestor } from '@geqo/shared/app/log-ingest';
import type { ServerRegistry } from '@geqo/shared/app/servers';
import type { Logger, Metrics, StreamProducer } from '@geqo/shared/ports';
import type pg from 'pg';
import type { LocalConfig } from '../config.ts';
import { serveApiRoute } from './api-adapter.ts';
import type { Router } from './router.ts';

export interface PlainIngestDeps {
  /** Where `ingest_channels` lives (migration 0004). */
  pool: pg.Pool;
  producer: StreamProducer;
  /** `rawStream`: the stream the frames go on (`raw-game-events`). */
  config: Pick<LocalConfig, 'rawStream'>;
  servers: ServerRegistry;
  logger: Logger;
  metrics: Metrics;
  /** The servers' local time minus UTC, in minutes (CS2 log times are local; default 0). */
  utcOffsetMinutes?: number;
}

/** The log and webhook route groups, for `apiRoutes({ extraRoutes })`. */
export function plainIngestRoutes(deps: PlainIngestDeps): ((router: Router) => void)[] {
  const logger = deps.logger.child({ component: 'log-ingest' });
  const channels = new IngestChannels({
    store: new PostgresIngestChannelStore(deps.pool),
    producer: deps.producer,
    stream: deps.config.rawStream,
    logger,
    metrics: deps.metrics,
  });
  void channels.recoverPending().then(
    (frames) => {
      if (frames > 0) logger.info('outbox frames put on the stream again after a restart', { frames });
    },
    (error: unknown) =>
      logger.warn('outbox recovery failed; it is retried at each request', { error: String(error) }),
  );
  const api = new IngestApi({
    logs: new LogIngestor({
      channels,
      logger,
      metrics: deps.metrics,
      ...(deps.utcOffsetMinutes === undefined ? {} : { utcOffsetMinutes: deps.utcOffsetMinutes }),
    }),
    webhooks: new WebhookIngestor({ channels, logger, metrics: deps.metrics }),
    servers: deps.servers,
    logger,
    metrics: deps.metrics,
  });
  return [
    (router) => {
      for (const route of INGEST_ROUTES)
        serveApiRoute(router, route, (request) => api.handle(route, request));
    },
  ];
}
