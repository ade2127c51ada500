import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  httpApiEvent,
  kinesisEvent,
  mskEvent,
  wsConnectEvent,
  wsDisconnectEvent,
  wsMessageEvent,
} from './factories.ts';

const SAMPLES = new URL('../../../shared/fixtures/aws-lambda-events/', import.meta.url);

function sample(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`aws-lambda-go_${name}.json`, SAMPLES), 'utf8'));
}

/**
 * The shape of a JSON value: every key path with the type found there (`Records[].kinesis.data:
 * string`). Array elements share one path; user-defined maps (MSK's `<topic>-<partition>` keys,
 * header names, the authorizer's context) are collapsed to `*`.
 */
function shape(value: unknown, path = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    out.add(`${path}: array`);
    for (const item of value) shape(item, `${path}[]`, out);
  } else if (value !== null && typeof value === 'object') {
    out.add(`${path}: object`);
    const collapse = /(\.records|\.headers\[\]|\.authorizer)$/.test(path);
    for (const [key, child] of Object.entries(value)) shape(child, `${path}.${collapse ? '*' : key}`, out);
  } else {
    out.add(`${path}: ${value === null ? 'null' : typeof value}`);
  }
  return out;
}

const sorted = (set: Set<string>) => [...set].sort();

describe('event factories match the real Lambda event samples', () => {
  it('builds a Kinesis event with the shape of the Kinesis sample', async () => {
    // Prepare
    const real = sample('kinesis-event');
    // Act
    const made = kinesisEvent([
      { data: 'Hello World', partitionKey: 's1' },
      { data: 'Hello World', partitionKey: 's1' },
    ]);
    // Assess
    expect(sorted(shape(made))).toEqual(sorted(shape(real)));
  });

  it('builds an MSK event with the shape of the Kafka sample', async () => {
    const real = sample('kafka-event');
    const made = mskEvent('AWSKafkaTopic', [{ key: 'k', value: 'v', headers: [{ trace: [1, -2] }] }]);
    expect(sorted(shape(made))).toEqual(sorted(shape(real)));
    expect(Object.keys((real as { records: object }).records)[0]).toMatch(/^AWSKafkaTopic-\d+$/);
  });

  it('builds a WebSocket message event with the shape of the send-message sample', async () => {
    const real = sample('apigw-websocket-request-send-message');
    const made = wsMessageEvent('{"a":1}');
    expect(sorted(shape(made))).toEqual(sorted(shape(real)));
  });

  it('builds a WebSocket disconnect event with the shape of the disconnect sample', async () => {
    const real = sample('apigw-websocket-request-disconnect');
    const made = wsDisconnectEvent();
    expect(sorted(shape(made))).toEqual(sorted(shape(real)));
  });

  it('builds a WebSocket connect event whose every field is in the connect sample, with the same type', async () => {
    // The sample mixes REST proxy fields into the connect event; ours carries the WebSocket ones.
    const real = shape(sample('apigw-websocket-request'));
    const made = shape(wsConnectEvent({ authorizer: { principalId: 'srv_x', serverId: 'srv_x' } }));
    const missing = [...made].filter(
      (entry) => !real.has(entry) && !entry.startsWith('.requestContext.identity'),
    );
    expect(missing).toEqual([]);
    expect(made.has('.requestContext.routeKey: string')).toBe(true);
    expect(made.has('.requestContext.authorizer.*: string')).toBe(true);
  });

  it('builds HTTP API requests whose route key and path agree', async () => {
    const made = httpApiEvent('GET /v1/matches/{id}/events', {
      pathParameters: { id: 'm1' },
      query: { limit: '5' },
    });
    expect(made.rawPath).toBe('/v1/matches/m1/events');
    expect(made.rawQueryString).toBe('limit=5');
    expect(made.requestContext.http.method).toBe('GET');
  });

  it('builds an HTTP API POST as API Gateway delivers it: lower-case headers, a base64 body when binary', async () => {
    // Prepare
    const bytes = Buffer.from('01/19/2026 - 19:03:37.000 - World triggered "Round_Start"\n\u00e9', 'utf8');

    // Act
    const binary = httpApiEvent('POST /v1/logs/{serverId}/{token}', {
      pathParameters: { serverId: 'srv_1', token: 't' },
      headers: { 'X-LogBytes-BeginOffset': '0' },
      body: bytes,
    });
    const text = httpApiEvent('POST /v1/webhooks/matchzy', { body: '{"event":"going_live"}' });

    // Assess
    expect(binary.isBase64Encoded).toBe(true);
    expect(Buffer.from(binary.body ?? '', 'base64')).toEqual(bytes);
    expect(binary.headers).toMatchObject({
      'x-logbytes-beginoffset': '0',
      'content-length': String(bytes.length),
    });
    expect(Object.keys(binary.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(binary.rawPath).toBe('/v1/logs/srv_1/t');
    expect(text).toMatchObject({ isBase64Encoded: false, body: '{"event":"going_live"}' });
  });
});
