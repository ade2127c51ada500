/**
 * Statistics on the AWS wiring, on a real PostgreSQL: a recorded match goes through the worker
 * Lambda's handler (Kinesis events, no aggregation hook, as deployed), the scheduled sweep writes
 * its aggregates, and the REST API Lambda serves the summary and a career from them.
 */
import { fileURLToPath } from 'node:url';
import { MemoryStream } from '@geqo/shared/adapters/memory';
import {
  createPool,
  migrate,
  PostgresEventStore,
  PostgresMatchQueries,
  PostgresMatchStatsStore,
  PostgresServerRepository,
  PostgresStatsQueries,
} from '@geqo/shared/adapters/postgres';
import { analyzeJsonLinesFile, pickMainMatch, readEventLines } from '@geqo/shared/app/analyze';
import { ServerRegistry } from '@geqo/shared/app/servers';
import { MatchAggregator, MatchStatsService } from '@geqo/shared/app/stats';
import { GameEventWorker, matchEngineDriver } from '@geqo/shared/app/worker';
import { encodeFrame } from '@geqo/shared/domain/codec';
import type { AnyEvent } from '@geqo/shared/domain/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { makeHandler as makeApiHandler } from '../api/make-handler.ts';
import { RecordingDeadLetterSink, RecordingLogger, RecordingMetrics } from '../test/doubles.ts';
import { httpApiEvent, kinesisEvent, sequenceNumber } from '../test/factories.ts';
import { makeHandler as makeWorkerHandler } from '../worker/make-handler.ts';
import { makeHandler } from './make-handler.ts';

const NUKE = fileURLToPath(
  new URL(
    '../../../shared/fixtures/matches/2026-02-09_de_nuke_FURIA_2-13_Team_Vitality.jsonl',
    import.meta.url,
  ),
);
const SERVER_ID = 'srv_statslambda1';

async function readEvents(path: string): Promise<AnyEvent[]> {
  const events: AnyEvent[] = [];
  for await (const { event } of readEventLines(path)) events.push(event);
  return events;
}

describe('statistics sweep on PostgreSQL', () => {
  let database: TestDatabase;
  let pool: ReturnType<typeof createPool>;

  beforeAll(async () => {
    database = await createTestDatabase('geqo_fn_stats');
    pool = createPool(database.url, { max: 4 });
    await migrate(pool);
  });

  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it('aggregates a match the worker ended, once, and the API serves its summary and careers from it', async () => {
    // Prepare: the match through the worker handler, 40 events a frame, 10 frames a Kinesis event.
    const logger = new RecordingLogger();
    const metrics = new RecordingMetrics();
    const worker = makeWorkerHandler({
      worker: new GameEventWorker({
        store: new PostgresEventStore(pool),
        engine: matchEngineDriver,
        logger,
        metrics,
        processed: { producer: new MemoryStream(), stream: 'processed-game-events' },
        deadLetters: new RecordingDeadLetterSink(),
        cacheStates: false,
      }),
      logger,
      metrics,
    });
    const events = await readEvents(NUKE);
    const records = [];
    for (let start = 0, seq = 1; start < events.length; start += 40, seq += 1) {
      records.push({
        partitionKey: SERVER_ID,
        sequenceNumber: sequenceNumber(seq),
        data: encodeFrame({
          v: 1,
          server: SERVER_ID,
          session: 'boot-1',
          seq,
          sentAt: 0,
          events: events.slice(start, start + 40),
        }),
      });
    }
    for (let start = 0; start < records.length; start += 10) {
      expect(await worker(kinesisEvent(records.slice(start, start + 10)))).toEqual({ batchItemFailures: [] });
    }
    const store = new PostgresMatchStatsStore(pool);
    const aggregator = new MatchAggregator({ store, logger, metrics });
    const sweep = makeHandler({ aggregator, batchSize: 20, budgetMs: 45_000, logger, metrics });
    const api = makeApiHandler({
      queries: new PostgresMatchQueries(pool),
      servers: new ServerRegistry(new PostgresServerRepository(pool)),
      stats: new MatchStatsService({ queries: new PostgresStatsQueries(pool), store, aggregator }),
      logger,
      metrics,
    });
    const [matchId] = await store.pendingMatches(10);
    const expected = pickMainMatch(await analyzeJsonLinesFile(NUKE))?.summary;

    // Act
    const servedBefore = await api(
      httpApiEvent('GET /v1/matches/{id}/summary', { pathParameters: { id: matchId! } }),
    );
    const first = await sweep();
    const second = await sweep();
    const served = await api(
      httpApiEvent('GET /v1/matches/{id}/summary', { pathParameters: { id: matchId! } }),
    );
    const steamId = expected?.players[0]?.steamId ?? '';
    const career = await api(httpApiEvent('GET /v1/players/{steamId}', { pathParameters: { steamId } }));

    // Assess
    expect(matchId).toBeDefined();
    expect(first).toEqual({ pending: 1, written: 1, batches: 1, more: false });
    expect(second).toEqual({ pending: 0, written: 0, batches: 1, more: false });
    expect((await new PostgresStatsQueries(pool).storedSummary(matchId!))?.fresh).toBe(true);
    // Before the sweep the summary is recomputed on request; after it, read from the aggregates.
    expect(servedBefore.statusCode).toBe(200);
    expect(JSON.parse(servedBefore.body ?? 'null')).toEqual(expected);
    expect(served.statusCode).toBe(200);
    expect(JSON.parse(served.body ?? 'null')).toEqual(expected);
    expect(career.statusCode).toBe(200);
    expect(JSON.parse(career.body ?? 'null')).toMatchObject({
      steamId,
      career: { matches: 1, kills: expected?.players[0]?.kills },
      recentMatches: [expect.objectContaining({ matchId })],
    });
  });
});
