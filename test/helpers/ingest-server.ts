import { IngestServer } from '../../local/src/ingest-server.ts';
import { silentLogger } from '../../shared/adapters/logging/index.ts';
import { noMetrics } from '../../shared/adapters/metrics/index.ts';
import {
  createPool,
  migrate,
  PostgresServerRepository,
  PostgresStream,
} from '../../shared/adapters/postgres/index.ts';
import { FrameIngestor } from '../../shared/app/ingest/index.ts';
import { ServerRegistry } from '../../shared/app/servers/index.ts';
import { createTestDatabase } from './database.ts';

/**
 * The plugin WebSocket endpoint on its own: a fresh database, the durable stream (`raw`), one
 * registered server, and the ingest server on a free loopback port.
 */
export async function startTestIngestServer(options: { maxFramesPerSecond?: number } = {}) {
  const database = await createTestDatabase();
  const pool = createPool(database.url);
  await migrate(pool);
  const stream = new PostgresStream(pool);
  const servers = new ServerRegistry(new PostgresServerRepository(pool));
  const { token, serverId } = await servers.add('test server');
  const server = new IngestServer({
    ingestor: new FrameIngestor({
      producer: stream,
      stream: 'raw',
      logger: silentLogger,
      metrics: noMetrics,
    }),
    servers,
    logger: silentLogger,
    metrics: noMetrics,
    maxFramesPerSecond: options.maxFramesPerSecond ?? 1_000,
  });
  const port = await server.listen(0, '127.0.0.1');
  return {
    databaseUrl: database.url,
    port,
    token,
    serverId,
    pool,
    servers,
    close: async () => {
      await server.close();
      await stream.close();
      await pool.end();
      await database.drop();
    },
  };
}

export type TestIngestServer = Awaited<ReturnType<typeof startTestIngestServer>>;
