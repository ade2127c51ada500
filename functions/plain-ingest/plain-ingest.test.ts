import { MemoryIngestChannelStore, MemoryStream } from '@geqo/shared/adapters/memory';
import { IngestChannels, LogIngestor, WebhookIngestor } from '@geqo/shared/app/log-ingest';
import { ServerRegistry } from '@geqo/shared/app/servers';
import { decodeFrame, type Frame } from '@geqo/shared/domain/codec';
import type { StreamProducer, StreamRecord } from '@geqo/shared/ports';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../lib/config.ts';
import { MemoryServerRepository, RecordingLogger, RecordingMetrics } from '../test/doubles.ts';
import { cs2LogHeaders, httpApiEvent } from '../test/factories.ts';
import { loadConfig } from './config.ts';
import { makeHandler, type PlainIngestDeps } from './make-handler.ts';

const RAW = 'raw-game-events';
const LOG_ROUTE = 'POST /v1/logs/{serverId}/{token}';

/** Three log lines as CS2 POSTs them: a round start, a kill, a round end. */
const LOG = Buffer.from(
  [
    '01/19/2026 - 19:03:37.000 - World triggered "Round_Start"',
    '01/19/2026 - 19:03:52.125 - "Earthy_uwu<3><[U:1:133954850]><CT>" [-1056 -1184 -167] killed "bot<4><[U:1:100]><TERRORIST>" [-672 -1280 -167] with "ak47" (headshot)',
    '01/19/2026 - 19:04:10.500 - Team "CT" triggered "SFUI_Notice_CTs_Win" (CT "1") (T "0")',
    '',
  ].join('\n'),
  'utf8',
);

/** MatchZy's first events of a match, as it POSTs them. */
const seriesStart = {
  event: 'series_start',
  matchid: 14272,
  num_maps: 1,
  team1: { id: '2843', name: 'Natus Vincere' },
  team2: { id: '1337', name: 'Team Spirit' },
};
const mapPicked = {
  event: 'map_picked',
  matchid: 14272,
  team: 'team1',
  map_name: 'de_inferno',
  map_number: 0,
};
const goingLive = { event: 'going_live', matchid: 14272, map_number: 0 };

/** The raw stream, which can be told to be down for the next puts. */
class OutageStream implements StreamProducer {
  readonly stream = new MemoryStream();
  down = 0;

  async put(stream: string, records: readonly StreamRecord[]): Promise<void> {
    if (this.down > 0) {
      this.down -= 1;
      throw new Error('ProvisionedThroughputExceededException');
    }
    await this.stream.put(stream, records);
  }

  async close(): Promise<void> {}

  /** Every frame on the raw stream, in order, repeats included. */
  async frames(): Promise<Frame[]> {
    const records = await this.stream.consumer(RAW, `test-${Math.random()}`).poll(10_000, 0);
    return records.map((record) => {
      const decoded = decodeFrame(record.data);
      if (!decoded.ok) throw new Error(decoded.message);
      return decoded.frame;
    });
  }
}

async function setup(overrides: Partial<PlainIngestDeps> = {}) {
  const store = new MemoryIngestChannelStore();
  const producer = new OutageStream();
  const logger = new RecordingLogger();
  const metrics = new RecordingMetrics();
  const channels = new IngestChannels({ store, producer, stream: RAW, logger, metrics });
  const repository = new MemoryServerRepository();
  const servers = new ServerRegistry(repository);
  const server = await servers.add('LAN 1');
  const handler = makeHandler({
    logs: new LogIngestor({ channels, logger, metrics }),
    webhooks: new WebhookIngestor({ channels, logger, metrics }),
    channels,
    servers,
    logger,
    metrics,
    ...overrides,
  });
  return { handler, producer, store, servers, server, logger, metrics };
}

/** A POST of `body` (bytes `begin`…) on the log route, base64-encoded as API Gateway may send it. */
function logPost(
  server: { serverId: string; token: string },
  body: Uint8Array,
  options: { begin?: number; instance?: string; token?: string; base64?: boolean } = {},
) {
  const begin = options.begin ?? 0;
  return httpApiEvent(LOG_ROUTE, {
    pathParameters: { serverId: server.serverId, token: options.token ?? server.token },
    headers: cs2LogHeaders({ instance: options.instance ?? 'boot-1', begin, end: begin + body.length }),
    body,
    isBase64Encoded: options.base64 ?? true,
  });
}

function webhookPost(source: 'matchzy' | 'get5', payload: unknown, token: string | null) {
  return httpApiEvent(`POST /v1/webhooks/${source}`, {
    headers: {
      'Content-Type': 'application/json',
      ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(payload),
  });
}

const json = (response: APIGatewayProxyStructuredResultV2) => JSON.parse(response.body ?? 'null');

describe('plain-ingest handler: CS2 log stream', () => {
  it('puts the events of a base64 body on the raw stream before answering 200', async () => {
    // Prepare
    const { handler, producer, server } = await setup();

    // Act
    const response = await handler(logPost(server, LOG));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(json(response)).toMatchObject({ status: 'accepted', frames: 1, lines: 3, malformed: 0 });
    const frames = await producer.frames();
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ v: 1, server: server.serverId, seq: 1 });
    expect(frames[0]?.events.map((event) => event.type)).toEqual(
      expect.arrayContaining(['round_start', 'player_death']),
    );
  });

  it('reads a text body (not base64) and accepts the secret alone in the path', async () => {
    // Prepare
    const { handler, producer, server } = await setup();
    const secret = server.token.slice(server.serverId.length + 1);

    // Act
    const response = await handler(logPost(server, LOG, { token: secret, base64: false }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect((await producer.frames())[0]?.server).toBe(server.serverId);
  });

  it('acknowledges a resent byte range without putting its events twice', async () => {
    // Prepare
    const { handler, producer, server } = await setup();
    await handler(logPost(server, LOG));

    // Act
    const resent = await handler(logPost(server, LOG));

    // Assess
    expect(resent.statusCode).toBe(200);
    expect(json(resent)).toEqual({ status: 'duplicate' });
    expect(await producer.frames()).toHaveLength(1);
  });

  it.each([
    ['a wrong secret', (s: { serverId: string; token: string }) => ({ ...s, token: `${s.serverId}.AAAA` })],
    [
      'another server in the path',
      (s: { serverId: string; token: string }) => ({ ...s, serverId: 'srv_aaaaaaaaaaaa' }),
    ],
    ['no token', (s: { serverId: string; token: string }) => ({ ...s, token: '' })],
  ])('answers 401 to %s and puts nothing', async (_case, tamper) => {
    // Prepare
    const { handler, producer, server } = await setup();

    // Act
    const response = await handler(logPost(tamper(server), LOG));

    // Assess
    expect(response.statusCode).toBe(401);
    expect(json(response)).toEqual({
      error: { code: 'UNAUTHORIZED', message: 'unknown server, or a wrong or revoked token' },
    });
    expect(await producer.frames()).toEqual([]);
  });

  it('answers 401 to a revoked server', async () => {
    // Prepare
    const { handler, producer, server, servers } = await setup();
    await servers.revoke(server.serverId);

    // Act
    const response = await handler(logPost(server, LOG));

    // Assess
    expect(response.statusCode).toBe(401);
    expect(await producer.frames()).toEqual([]);
  });

  it('answers 503 with Retry-After while the stream is down, and applies the resent body once', async () => {
    // Prepare
    const { handler, producer, server } = await setup();
    producer.down = 1;

    // Act
    const refused = await handler(logPost(server, LOG));
    const resent = await handler(logPost(server, LOG));

    // Assess
    expect(refused.statusCode).toBe(503);
    expect(refused.headers).toMatchObject({ 'retry-after': '1' });
    expect(json(refused)).toMatchObject({ error: { code: 'UNAVAILABLE' } });
    expect(resent.statusCode).toBe(200);
    // The first attempt's frame was saved in the outbox and put by the resend, which is a duplicate.
    expect(json(resent)).toEqual({ status: 'duplicate' });
    expect((await producer.frames()).map((frame) => frame.seq)).toEqual([1]);
  });

  it('answers 503 with Retry-After while the channel store is down', async () => {
    // Prepare
    const { handler, producer, server, store } = await setup();
    store.load = async () => Promise.reject(new Error('Connection terminated unexpectedly'));

    // Act
    const response = await handler(logPost(server, LOG));

    // Assess
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '1' });
    expect(await producer.frames()).toEqual([]);
  });

  it('answers 503 with Retry-After while the server registry is down', async () => {
    // Prepare
    const { handler, producer, server } = await setup({
      servers: { authenticate: async () => Promise.reject(new Error('too many connections')) },
    });

    // Act
    const response = await handler(logPost(server, LOG));

    // Assess
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '1' });
    expect(response.body).not.toContain('connections');
    expect(await producer.frames()).toEqual([]);
  });

  it('answers 500 without details to a bug, and logs it', async () => {
    // Prepare
    const { handler, server, logger } = await setup({
      logs: {
        ingest: async () =>
          Promise.reject(new TypeError("Cannot read properties of undefined (reading 'x')")),
      },
    });

    // Act
    const response = await handler(logPost(server, LOG));

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('properties');
    expect(logger.lines.at(-1)).toMatchObject({ level: 'error', message: 'ingest request failed' });
  });

  it('passes the range headers to the use case, and none that is not a plain offset', async () => {
    // Prepare
    const seen: unknown[] = [];
    const { handler, server } = await setup({
      logs: {
        ingest: async (body) => {
          seen.push({ ...body, body: Buffer.from(body.body).toString('utf8') });
          return { status: 'duplicate' };
        },
      },
    });
    const event = logPost(server, Buffer.from('x\n'), { begin: 40, instance: 'boot-7' });
    const odd = logPost(server, Buffer.from('y\n'));
    odd.headers['x-logbytes-beginoffset'] = '-3';
    delete odd.headers['x-server-instance-token'];

    // Act
    await handler(event);
    await handler(odd);

    // Assess
    expect(seen).toEqual([
      { serverId: server.serverId, body: 'x\n', instance: 'boot-7', beginOffset: 40, endOffset: 42 },
      { serverId: server.serverId, body: 'y\n', instance: null, beginOffset: null, endOffset: 2 },
    ]);
  });
});

describe('plain-ingest handler: MatchZy and get5 webhooks', () => {
  it('puts a MatchZy match on the raw stream, in one session under its match id', async () => {
    // Prepare
    const { handler, producer, server } = await setup();

    // Act
    const responses = [];
    for (const payload of [seriesStart, mapPicked, goingLive]) {
      responses.push(await handler(webhookPost('matchzy', payload, server.token)));
    }

    // Assess
    expect(responses.map((response) => response.statusCode)).toEqual([200, 200, 200]);
    expect(json(responses[2]!)).toMatchObject({ status: 'accepted', event: 'going_live' });
    const frames = await producer.frames();
    expect(frames.length).toBeGreaterThan(0);
    expect(new Set(frames.map((frame) => frame.match))).toEqual(new Set(['14272']));
    expect(new Set(frames.map((frame) => frame.session)).size).toBe(1);
    expect(frames.flatMap((frame) => frame.events).map((event) => event.type)).toContain('map_start');
  });

  it('takes get5 events on their own route, and the token without "Bearer "', async () => {
    // Prepare
    const { handler, producer, server } = await setup();
    const event = webhookPost('get5', { ...seriesStart, matchid: '77' }, null);
    event.headers.authorization = server.token;

    // Act
    const response = await handler(event);

    // Assess
    expect(response.statusCode).toBe(200);
    const frames = await producer.frames();
    expect(frames.map((frame) => [frame.server, frame.match, frame.session.startsWith('get5-')])).toEqual([
      [server.serverId, '77', true],
    ]);
  });

  it('answers 401 without a bearer token, and 400 to a body that is not JSON', async () => {
    // Prepare
    const { handler, producer, server } = await setup();
    const notJson = httpApiEvent('POST /v1/webhooks/matchzy', {
      headers: { Authorization: `Bearer ${server.token}` },
      body: '{"event":',
    });

    // Act
    const anonymous = await handler(webhookPost('matchzy', goingLive, null));
    const wrong = await handler(webhookPost('matchzy', goingLive, `${server.serverId}.AAAA`));
    const broken = await handler(notJson);

    // Assess
    expect([anonymous.statusCode, wrong.statusCode, broken.statusCode]).toEqual([401, 401, 400]);
    expect(json(broken)).toEqual({ error: { code: 'BAD_PAYLOAD', message: 'the body is not JSON' } });
    expect(await producer.frames()).toEqual([]);
  });

  it('answers 404 to a route that is not an ingest route', async () => {
    // Prepare
    const { handler } = await setup();

    // Act
    const response = await handler(httpApiEvent('GET /v1/matches'));

    // Assess
    expect(response.statusCode).toBe(404);
  });
});

describe('plain-ingest handler: outbox sweep', () => {
  it('puts the outbox a failed webhook left, which no resend would ever put', async () => {
    // Prepare: the stream fails the put of `going_live`; MatchZy never sends it again.
    const { handler, producer, server, metrics } = await setup();
    await handler(webhookPost('matchzy', seriesStart, server.token));
    await handler(webhookPost('matchzy', mapPicked, server.token));
    producer.down = 1;
    const failed = await handler(webhookPost('matchzy', goingLive, server.token));
    const before = await producer.frames();

    // Act
    const swept = await handler({ action: 'recover-outboxes' });
    const again = await handler({ action: 'recover-outboxes', limit: 10 });

    // Assess
    expect(failed.statusCode).toBe(503);
    expect(swept.frames).toBeGreaterThan(0);
    expect(again).toEqual({ frames: 0 });
    const after = await producer.frames();
    expect(after).toHaveLength(before.length + swept.frames);
    expect(after.map((frame) => frame.seq)).toEqual(after.map((_, index) => index + 1));
    expect(metrics.flushes).toBe(5);
  });

  it('fails the invocation when the store is down, so the schedule retries and the error alarms', async () => {
    // Prepare
    const { handler, store } = await setup();
    store.listPending = async () => Promise.reject(new Error('Connection terminated unexpectedly'));

    // Act
    const sweep = handler({ action: 'recover-outboxes' });

    // Assess
    await expect(sweep).rejects.toThrow('Connection terminated unexpectedly');
  });
});

describe('plain-ingest config', () => {
  it('reads the database, the stream and the log time zone', async () => {
    // Act
    const config = loadConfig({
      DATABASE_URL: 'postgres://geqo@db/geqo',
      AWS_REGION: 'eu-central-1',
      LOG_UTC_OFFSET_MINUTES: '-300',
    });

    // Assess
    expect(config).toEqual({
      logLevel: 'info',
      database: { kind: 'url', url: 'postgres://geqo@db/geqo' },
      stream: { engine: 'kinesis', region: 'eu-central-1' },
      rawStream: 'raw-game-events',
      utcOffsetMinutes: -300,
    });
  });

  it('names every bad variable at once', async () => {
    // Prepare
    let problems: readonly string[] = [];

    // Act
    try {
      loadConfig({
        STREAM_ENGINE: 'kafka',
        LOG_UTC_OFFSET_MINUTES: '900',
        DATABASE_URL: 'postgres://db/geqo',
      });
    } catch (error) {
      if (error instanceof ConfigError) problems = error.problems;
    }

    // Assess
    expect(problems).toEqual([
      'AWS_REGION is required',
      'KAFKA_BROKERS is required when STREAM_ENGINE is kafka',
      'LOG_UTC_OFFSET_MINUTES must be an integer from -720 to 840 (got "900")',
    ]);
  });
});
