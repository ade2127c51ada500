/**
 * Composition root of plugin-free ingest (CS2 HTTP log stream, MatchZy and get5 webhooks): config
 * -> pool, stream producer -> channel store, server registry -> IngestChannels -> LogIngestor,
 * WebhookIngestor. One function for the three routes: they share every dependency and grant, and
 * one pool of warm instances (and connections to the proxy) serves them all.
 */
import { PostgresIngestChannelStore, PostgresServerRepository } from '@geqo/shared/adapters/postgres';
import { IngestChannels, LogIngestor, WebhookIngestor } from '@geqo/shared/app/log-ingest';
import { ServerRegistry } from '@geqo/shared/app/servers';
import { createLambdaPool } from '../lib/database.ts';
import { createObservability } from '../lib/observability.ts';
import { credentialsFromEnv } from '../lib/rds-auth-token.ts';
import { createStreamProducer } from '../lib/stream-producer.ts';
import { loadConfig } from './config.ts';
import { makeHandler } from './make-handler.ts';

export { makeHandler };

const config = loadConfig(process.env);
const { logger, metrics } = createObservability('plain-ingest', config.logLevel);
const pool = createLambdaPool(config.database, {
  applicationName: 'geqo-plain-ingest',
  credentials: () => credentialsFromEnv(process.env),
});
const channels = new IngestChannels({
  store: new PostgresIngestChannelStore(pool),
  producer: await createStreamProducer(config.stream, 'geqo-plain-ingest'),
  stream: config.rawStream,
  logger,
  metrics,
});

export const handler = makeHandler({
  logs: new LogIngestor({ channels, logger, metrics, utcOffsetMinutes: config.utcOffsetMinutes }),
  webhooks: new WebhookIngestor({ channels, logger, metrics }),
  channels,
  servers: new ServerRegistry(new PostgresServerRepository(pool)),
  logger,
  metrics,
});
