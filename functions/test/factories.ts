/**
 * Typed factories for the Lambda events our functions receive, shaped like the real samples in
 * /work/shared/fixtures/aws-lambda-events (checked by `factories.test.ts`).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { KinesisEvent, KinesisEventRecord, MskEvent, MskEventRecord } from '../lib/stream-event.ts';
import type { WebSocketAuthorizerEvent, WebSocketEvent, WebSocketRequestContext } from '../lib/websocket.ts';

const REGION = 'eu-central-1';
const ACCOUNT = '123456789012';

const base64 = (data: Uint8Array | string): string =>
  typeof data === 'string'
    ? Buffer.from(data, 'utf8').toString('base64')
    : Buffer.from(data).toString('base64');

export interface KinesisRecordInput {
  data: Uint8Array | string;
  partitionKey: string;
  sequenceNumber?: string;
  /** Epoch ms (the event carries seconds with a fraction). */
  arrivedAt?: number;
}

/** A sequence number as Kinesis makes them: 56 digits, rising within a shard. */
export function sequenceNumber(index: number): string {
  return `4956816737333333333333333333333333333333333${String(1_000_000_000_000 + index)}`;
}

/** A Lambda Kinesis event: one shard, records in order. */
export function kinesisEvent(
  records: readonly KinesisRecordInput[],
  options: { streamName?: string; shardId?: string } = {},
): KinesisEvent {
  const streamName = options.streamName ?? 'raw-game-events';
  const shardId = options.shardId ?? 'shardId-000000000000';
  return {
    Records: records.map((record, index): KinesisEventRecord => {
      const sequence = record.sequenceNumber ?? sequenceNumber(index);
      return {
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: record.partitionKey,
          sequenceNumber: sequence,
          data: base64(record.data),
          approximateArrivalTimestamp: (record.arrivedAt ?? 1_700_000_000_000 + index) / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `${shardId}:${sequence}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: `arn:aws:iam::${ACCOUNT}:role/geqo-worker`,
        awsRegion: REGION,
        eventSourceARN: `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${streamName}`,
      };
    }),
  };
}

export interface MskRecordInput {
  value: Uint8Array | string;
  key: string;
  partition?: number;
  offset?: number;
  timestamp?: number;
  /** Kafka record headers: name -> bytes (signed, as Java's `byte` prints them). */
  headers?: Record<string, number[]>[];
}

/** A Lambda MSK event: records grouped under `<topic>-<partition>`, offsets rising per partition. */
export function mskEvent(topic: string, records: readonly MskRecordInput[]): MskEvent {
  const grouped: Record<string, MskEventRecord[]> = {};
  const nextOffset = new Map<number, number>();
  for (const record of records) {
    const partition = record.partition ?? 0;
    const offset = record.offset ?? nextOffset.get(partition) ?? 0;
    nextOffset.set(partition, offset + 1);
    const list = grouped[`${topic}-${partition}`] ?? [];
    grouped[`${topic}-${partition}`] = list;
    list.push({
      topic,
      partition,
      offset,
      timestamp: record.timestamp ?? 1_700_000_000_000 + offset,
      timestampType: 'CREATE_TIME',
      key: base64(record.key),
      value: base64(record.value),
      headers: record.headers ?? [],
    });
  }
  return {
    eventSource: 'aws:kafka',
    eventSourceArn: `arn:aws:kafka:${REGION}:${ACCOUNT}:cluster/geqo/00000000-0000-0000-0000-000000000000-s1`,
    bootstrapServers: 'boot-abc.c1.kafka-serverless.eu-central-1.amazonaws.com:9098',
    records: grouped,
  };
}

type Authorizer = WebSocketRequestContext['authorizer'];

function requestContext(
  routeKey: string,
  eventType: WebSocketRequestContext['eventType'],
  connectionId: string,
): WebSocketRequestContext {
  return {
    routeKey,
    eventType,
    extendedRequestId: 'R1knPH17NjMFftw=',
    requestTime: '20/Jan/2024:11:55:00 +0000',
    messageDirection: 'IN',
    stage: 'prod',
    connectedAt: 1_705_751_697_419,
    requestTimeEpoch: 1_705_751_700_453,
    identity: { userAgent: 'geqo-plugin/1.0', sourceIp: '203.0.113.7' },
    requestId: 'R1knPH17NjMFftw=',
    domainName: 'abc123.execute-api.eu-central-1.amazonaws.com',
    connectionId,
    apiId: 'abc123',
  };
}

/** A `$connect` event (after the authorizer allowed it, when `authorizer` is given). */
export function wsConnectEvent(
  options: { connectionId?: string; authorizer?: Authorizer; headers?: Record<string, string> } = {},
): WebSocketEvent {
  const headers = options.headers ?? { Host: 'abc123.execute-api.eu-central-1.amazonaws.com' };
  return {
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    requestContext: {
      ...requestContext('$connect', 'CONNECT', options.connectionId ?? 'TWegAcC4EowCHnA='),
      ...(options.authorizer ? { authorizer: options.authorizer } : {}),
    },
    isBase64Encoded: false,
  };
}

/** A message on a route (`$default` for plugins, `subscribe`... for dashboards). */
export function wsMessageEvent(
  body: string,
  options: {
    connectionId?: string;
    routeKey?: string;
    authorizer?: Authorizer;
    isBase64Encoded?: boolean;
  } = {},
): WebSocketEvent {
  const context = requestContext(
    options.routeKey ?? '$default',
    'MESSAGE',
    options.connectionId ?? 'R1kmxc2VNjMCFIA=',
  );
  return {
    requestContext: {
      ...context,
      routeKey: context.routeKey,
      messageId: 'R1knPc2ntjMCFIA=',
      ...(options.authorizer ? { authorizer: options.authorizer } : {}),
    },
    body,
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
}

/** A `$disconnect` event. */
export function wsDisconnectEvent(
  options: { connectionId?: string; statusCode?: number; authorizer?: Authorizer } = {},
): WebSocketEvent {
  const headers = {
    Host: 'abc123.execute-api.eu-central-1.amazonaws.com',
    'x-api-key': '',
    'X-Forwarded-For': '',
    'x-restapi': '',
  };
  return {
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    requestContext: {
      ...requestContext('$disconnect', 'DISCONNECT', options.connectionId ?? 'R1kmxc2VNjMCFIA='),
      disconnectStatusCode: options.statusCode ?? 1001,
      disconnectReason: '',
      ...(options.authorizer ? { authorizer: options.authorizer } : {}),
    },
    isBase64Encoded: false,
  };
}

/** The REQUEST authorizer's input on `$connect` of a WebSocket API. */
export function wsAuthorizerEvent(
  options: { headers?: Record<string, string>; query?: Record<string, string>; connectionId?: string } = {},
): WebSocketAuthorizerEvent {
  const headers = { Host: 'abc123.execute-api.eu-central-1.amazonaws.com', ...options.headers };
  return {
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:abc123/prod/$connect`,
    headers,
    queryStringParameters: options.query ?? null,
    requestContext: requestContext('$connect', 'CONNECT', options.connectionId ?? 'TWegAcC4EowCHnA='),
  };
}

/**
 * An HTTP API (payload format 2.0) request on a route, as API Gateway delivers it: header names in
 * lower case (repeated headers joined by commas), the headers API Gateway adds itself, and the
 * body as text, or base64 with `isBase64Encoded` (what API Gateway does with a body it does not
 * take for text). A `Uint8Array` body is base64-encoded unless `isBase64Encoded` is `false`.
 */
export function httpApiEvent(
  routeKey: string,
  options: {
    pathParameters?: Record<string, string>;
    query?: Record<string, string>;
    body?: string | Uint8Array;
    isBase64Encoded?: boolean;
    headers?: Record<string, string>;
    sourceIp?: string;
  } = {},
): APIGatewayProxyEventV2 {
  const [method = 'GET', pathTemplate = '/'] = routeKey.split(' ');
  const rawPath = pathTemplate.replace(
    /\{(\w+)\}/g,
    (_m, name: string) => options.pathParameters?.[name] ?? name,
  );
  const rawQueryString = new URLSearchParams(options.query ?? {}).toString();
  const bytes =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? Buffer.from(options.body, 'utf8')
        : Buffer.from(options.body);
  const isBase64Encoded = options.isBase64Encoded ?? options.body instanceof Uint8Array;
  const sourceIp = options.sourceIp ?? '203.0.113.7';
  const domainName = 'http123.execute-api.eu-central-1.amazonaws.com';
  const given = Object.fromEntries(
    Object.entries(options.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const userAgent = given['user-agent'] ?? 'vitest';
  const headers: Record<string, string> = {
    host: domainName,
    'user-agent': userAgent,
    'x-amzn-trace-id': 'Root=1-65abb6f4-1c7d6a2b3c4d5e6f7a8b9c0d',
    'x-forwarded-for': sourceIp,
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
    ...(bytes === undefined ? {} : { 'content-length': String(bytes.length) }),
    ...given,
  };
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    headers,
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    ...(bytes === undefined
      ? {}
      : { body: isBase64Encoded ? bytes.toString('base64') : bytes.toString('utf8') }),
    isBase64Encoded,
    requestContext: {
      accountId: ACCOUNT,
      apiId: 'http123',
      domainName,
      domainPrefix: 'http123',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp, userAgent },
      requestId: 'R1knPH17NjMFftw=',
      routeKey,
      stage: '$default',
      time: '20/Jan/2024:11:55:00 +0000',
      timeEpoch: 1_705_751_700_453,
    },
  };
}

/** The headers CS2 sends with each POST of its HTTP log stream (`logaddress_add_http`). */
export function cs2LogHeaders(range: {
  instance: string;
  begin: number;
  end: number;
}): Record<string, string> {
  return {
    'Content-Type': 'text/plain',
    'User-Agent': 'Valve/Steam HTTP Client 1.0 (730)',
    'X-Server-Instance-Token': range.instance,
    'X-LogBytes-BeginOffset': String(range.begin),
    'X-LogBytes-EndOffset': String(range.end),
  };
}
