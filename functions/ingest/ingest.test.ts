import { MemoryStream } from '@geqo/shared/adapters/memory';
import { FrameIngestor } from '@geqo/shared/app/ingest';
import type { StreamProducer } from '@geqo/shared/ports';
import { describe, expect, it } from 'vitest';
import { RecordingLogger, RecordingMetrics } from '../test/doubles.ts';
import { wsMessageEvent } from '../test/factories.ts';
import { frameBytes, SERVER_ID } from '../test/frames.ts';
import { makeHandler } from './make-handler.ts';

function setup(producer: StreamProducer = new MemoryStream()) {
  const logger = new RecordingLogger();
  const metrics = new RecordingMetrics();
  const ingestor = new FrameIngestor({ producer, stream: 'raw-game-events', logger, metrics });
  return { handler: makeHandler({ ingestor, logger, metrics }), logger, metrics };
}

const authorized = { authorizer: { serverId: SERVER_ID, principalId: SERVER_ID } };
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

describe('ingest handler', () => {
  it('puts a base64 frame on the raw stream keyed by the server and acks its seq', async () => {
    // Prepare
    const stream = new MemoryStream();
    const consumer = stream.consumer('raw-game-events', 'test');
    const { handler } = setup(stream);
    const frame = frameBytes(7);
    // Act
    const result = await handler(wsMessageEvent(b64(frame), authorized));
    // Assess
    expect(result).toEqual({ statusCode: 200, body: JSON.stringify({ type: 'ack', seq: 7 }) });
    const [record] = await consumer.poll(10, 0);
    expect(record?.partitionKey).toBe(SERVER_ID);
    expect(Buffer.from(record!.data)).toEqual(Buffer.from(frame));
  });

  it('accepts a binary message that API Gateway passed base64-encoded', async () => {
    const { handler } = setup();
    const result = await handler(
      wsMessageEvent(b64(frameBytes(3)), { ...authorized, isBase64Encoded: true }),
    );
    expect(JSON.parse(result.body!)).toEqual({ type: 'ack', seq: 3 });
  });

  it('answers a frame of another server with SERVER_MISMATCH and puts nothing', async () => {
    const stream = new MemoryStream();
    const consumer = stream.consumer('raw-game-events', 'test');
    const { handler } = setup(stream);
    const result = await handler(
      wsMessageEvent(b64(frameBytes(1, { server: 'srv_ffffffffffff' })), authorized),
    );
    expect(JSON.parse(result.body!)).toMatchObject({ type: 'error', code: 'SERVER_MISMATCH', seq: 1 });
    expect(await consumer.poll(10, 0)).toEqual([]);
  });

  it('answers garbage with an error code and no stack trace', async () => {
    const { handler } = setup();
    const result = await handler(wsMessageEvent('not a frame at all!', authorized));
    const reply = JSON.parse(result.body!);
    expect(result.statusCode).toBe(200);
    expect(reply.type).toBe('error');
    expect(reply.code).toBe('BAD_BASE64');
    expect(JSON.stringify(reply)).not.toContain('    at ');
  });

  it('tells the plugin to resend when the stream is down', async () => {
    const { handler } = setup({
      put: async () => Promise.reject(new Error('throttled')),
      close: async () => {},
    });
    const result = await handler(wsMessageEvent(b64(frameBytes(2)), authorized));
    expect(JSON.parse(result.body!)).toMatchObject({
      type: 'error',
      code: 'UNAVAILABLE',
      seq: 2,
      retriable: true,
    });
  });

  it('refuses a message without an authorized server id', async () => {
    const { handler, logger } = setup();
    const result = await handler(wsMessageEvent(b64(frameBytes(1))));
    expect(JSON.parse(result.body!)).toMatchObject({ type: 'error', code: 'UNAUTHORIZED' });
    expect(logger.lines.at(-1)?.level).toBe('error');
  });
});
