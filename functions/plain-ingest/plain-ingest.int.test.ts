/**
 * The plain-ingest handler on a real PostgreSQL (servers, `ingest_channels`): the recorded CS2 log
 * POSTed body after body, as `logaddress_add_http` does, through two Lambda instances (two cold
 * starts sharing the database), with resends. The frames on the stream must carry exactly the
 * events the log parser gives for the whole log, each once.
 */
import { readFileSync } from 'node:fs';
import { MemoryStream } from '@geqo/shared/adapters/memory';
import {
  createPool,
  migrate,
  PostgresIngestChannelStore,
  PostgresServerRepository,
} from '@geqo/shared/adapters/postgres';
import { IngestChannels, LogIngestor, WebhookIngestor } from '@geqo/shared/app/log-ingest';
import { ServerRegistry } from '@geqo/shared/app/servers';
import { decodeFrame, type Frame } from '@geqo/shared/domain/codec';
import { LogStreamParser } from '@geqo/shared/domain/cs2-log';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { RecordingLogger, RecordingMetrics } from '../test/doubles.ts';
import { cs2LogHeaders, httpApiEvent } from '../test/factories.ts';
import { makeHandler } from './make-handler.ts';

const LOG = readFileSync(
  new URL('../../../shared/fixtures/cs2-logs/0f870999-5f60-4259-7837-08de566fc039.log', import.meta.url),
);
const RAW = 'raw-game-events';

/** Events as plain JSON: a position's `-0` comes back from MessagePack as `0`. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** One Lambda instance: its own channels (and so its own memory of what it delivered), as a cold start builds them. */
function instance(pool: ReturnType<typeof createPool>, stream: MemoryStream) {
  const logger = new RecordingLogger();
  const metrics = new RecordingMetrics();
  const channels = new IngestChannels({
    store: new PostgresIngestChannelStore(pool),
    producer: stream,
    stream: RAW,
    logger,
    metrics,
  });
  return makeHandler({
    logs: new LogIngestor({ channels, logger, metrics }),
    webhooks: new WebhookIngestor({ channels, logger, metrics }),
    channels,
    servers: new ServerRegistry(new PostgresServerRepository(pool)),
    logger,
    metrics,
  });
}

/** The log as CS2 POSTs it: byte ranges of varying size, cut anywhere (mid-line, mid-character). */
function ranges(length: number): { begin: number; end: number }[] {
  const out: { begin: number; end: number }[] = [];
  for (let begin = 0, size = 211; begin < length; size = (size * 7 + 13) % 9_001) {
    const end = Math.min(length, begin + Math.max(1, size));
    out.push({ begin, end });
    begin = end;
  }
  return out;
}

/** Every frame on the stream, in order, repeats included. */
async function framesOn(stream: MemoryStream): Promise<Frame[]> {
  const records = await stream.consumer(RAW, `check-${Math.random()}`).poll(1_000_000, 0);
  return records.map((record) => {
    const decoded = decodeFrame(record.data);
    if (!decoded.ok) throw new Error(decoded.message);
    return decoded.frame;
  });
}

describe('plain-ingest handler on PostgreSQL', () => {
  let database: TestDatabase;
  let pool: ReturnType<typeof createPool>;

  beforeAll(async () => {
    database = await createTestDatabase('geqo_fn_plain_ingest');
    pool = createPool(database.url, { max: 4 });
    await migrate(pool);
  });

  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it('turns the recorded log, POSTed in bodies with resends, into frames holding each parsed event once', async () => {
    // Prepare
    const stream = new MemoryStream();
    const instances = [instance(pool, stream), instance(pool, stream)];
    const server = await new ServerRegistry(new PostgresServerRepository(pool)).add('recorded');
    const post = (index: number, range: { begin: number; end: number }) =>
      instances[index % 2]!(
        httpApiEvent('POST /v1/logs/{serverId}/{token}', {
          pathParameters: { serverId: server.serverId, token: server.token },
          headers: cs2LogHeaders({ instance: 'boot-1', ...range }),
          body: LOG.subarray(range.begin, range.end),
        }),
      );
    const bodies = ranges(LOG.length);

    // Act: every body, on alternating instances; every 7th is sent again (its answer was lost),
    // by the other instance; every 11th is followed by a resend overlapping the next one.
    const statuses: number[] = [];
    const resends: unknown[] = [];
    for (const [index, range] of bodies.entries()) {
      statuses.push((await post(index, range)).statusCode ?? 0);
      if (index % 7 === 3) {
        const again = await post(index + 1, range);
        resends.push(JSON.parse(again.body ?? 'null'));
      }
      const next = bodies[index + 1];
      if (index % 11 === 5 && next !== undefined) {
        const overlap = { begin: range.begin, end: Math.min(next.end, range.end + 50) };
        bodies[index + 1] = { begin: overlap.end, end: Math.max(overlap.end, next.end) };
        statuses.push((await post(index, overlap)).statusCode ?? 0);
      }
    }

    // Assess
    expect(new Set(statuses)).toEqual(new Set([200]));
    expect(resends.length).toBeGreaterThan(10);
    expect(new Set(resends.map((answer) => JSON.stringify(answer)))).toEqual(
      new Set([JSON.stringify({ status: 'duplicate' })]),
    );
    const frames = await framesOn(stream);
    expect(new Set(frames.map((frame) => frame.session)).size).toBe(1);
    expect(frames.map((frame) => frame.seq)).toEqual(frames.map((_, index) => index + 1));
    expect(new Set(frames.map((frame) => frame.server))).toEqual(new Set([server.serverId]));
    const events = frames.flatMap((frame) => frame.events);
    const parsed = new LogStreamParser().push(LOG.toString('utf8'));
    expect(events.length).toBeGreaterThan(1_000);
    expect(plain(events)).toEqual(plain(parsed));
    const { rows } = await pool.query<{ pending: number; next_seq: number }>(
      'SELECT cardinality(pending) AS pending, next_seq FROM ingest_channels WHERE server_id = $1',
      [server.serverId],
    );
    expect(rows).toEqual([{ pending: 0, next_seq: frames.length + 1 }]);
  });
});
