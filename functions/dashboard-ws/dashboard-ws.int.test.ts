import { createPool, migrate, PostgresConnectionRegistry } from '@geqo/shared/adapters/postgres';
import { Broadcaster } from '@geqo/shared/app/broadcast';
import type { ConnectionSender } from '@geqo/shared/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { makeHandler as makeBroadcaster } from '../broadcaster/make-handler.ts';
import { RecordingLogger, RecordingMetrics } from '../test/doubles.ts';
import { kinesisEvent, wsDisconnectEvent, wsMessageEvent } from '../test/factories.ts';
import { makeHandler } from './make-handler.ts';

describe('dashboard subscriptions on PostgreSQL, from the WebSocket routes to the broadcaster', () => {
  let database: TestDatabase;
  let pool: ReturnType<typeof createPool>;

  beforeAll(async () => {
    database = await createTestDatabase('geqo_fn_dash');
    pool = createPool(database.url, { max: 2 });
    await migrate(pool);
  });

  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it('delivers to the subscribers of a topic until they disconnect', async () => {
    // Prepare
    const registry = new PostgresConnectionRegistry(pool);
    const routes = makeHandler({ registry, logger: new RecordingLogger(), metrics: new RecordingMetrics() });
    const delivered: string[] = [];
    const sender: ConnectionSender = {
      send: async (connectionId) => {
        delivered.push(connectionId);
        return 'sent';
      },
    };
    const logger = new RecordingLogger();
    const metrics = new RecordingMetrics();
    const broadcast = makeBroadcaster({
      broadcaster: new Broadcaster({ registry, sender, logger, metrics }),
      logger,
      metrics,
    });
    const message = kinesisEvent(
      [{ partitionKey: 'm-9', data: '{"type":"events","matchId":"m-9","events":[]}' }],
      {
        streamName: 'processed-game-events',
      },
    );
    await routes(
      wsMessageEvent('{"action":"subscribe","matchId":"m-9"}', {
        connectionId: 'd-1',
        routeKey: 'subscribe',
      }),
    );
    await routes(
      wsMessageEvent('{"action":"subscribe","matchId":"m-9"}', {
        connectionId: 'd-2',
        routeKey: 'subscribe',
      }),
    );
    // Act
    await broadcast(message);
    await routes(wsDisconnectEvent({ connectionId: 'd-1' }));
    await broadcast(message);
    // Assess
    expect(delivered.sort()).toEqual(['d-1', 'd-2', 'd-2']);
  });
});
