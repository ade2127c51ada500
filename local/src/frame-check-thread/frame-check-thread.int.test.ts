import { MessageChannel } from 'node:worker_threads';
import { silentLogger } from '@geqo/shared/adapters/logging';
import { MemoryStream } from '@geqo/shared/adapters/memory';
import { noMetrics } from '@geqo/shared/adapters/metrics';
import { checkFrame, FrameIngestor } from '@geqo/shared/app/ingest';
import { DEFAULT_CODEC_LIMITS, encodeFrame } from '@geqo/shared/domain/codec';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { PredecodedFrames } from '../predecoded-frames.ts';
import { startFrameCheckThread } from './frame-check-thread.ts';
import type { FrameDigestMessage } from './protocol.ts';

// Dated now: ingest refuses a frame sent, or events dated, far from its clock.
const sentAt = Date.now();
const frame = (seq: number) =>
  encodeFrame({
    v: 1,
    server: 'srv_aaaaaaaaaaaa',
    session: 's1',
    seq,
    sentAt,
    events: [
      { type: 'round_start', ts: sentAt - 100 },
      { type: 'player_footstep', ts: sentAt, steamId: '76561198000000001', pos: [1, 2, 3] },
    ],
  });

const thread = startFrameCheckThread(silentLogger);
afterAll(() => thread.close());

describe('frame-check thread', () => {
  it('checks binary and base64 frames as ingest does here, and says why a bad one is refused', async () => {
    // Arrange: a good frame in both forms, a frame over a limit, and garbage
    const good = frame(7);
    const inputs: (Uint8Array | string)[] = [
      good,
      Buffer.from(good).toString('base64'),
      frame(8),
      'not a frame at all!',
      new Uint8Array([0x93, 1, 2]),
    ];
    const tight = { ...DEFAULT_CODEC_LIMITS, maxEvents: 1 };

    // Act
    const checked = await Promise.all(inputs.map((input) => thread.check(input, DEFAULT_CODEC_LIMITS)));
    const overLimit = await thread.check(frame(9), tight);

    // Assess: the same answers as a check on this thread, without the decoded frame
    const here = inputs.map((input) => {
      const result = checkFrame(input, DEFAULT_CODEC_LIMITS);
      if (!result.ok) return result;
      const { frame: _decoded, ...rest } = result;
      return rest;
    });
    expect(checked).toEqual(here);
    expect(checked[0]).toEqual({ ok: true, server: 'srv_aaaaaaaaaaaa', seq: 7, events: 2 });
    expect(checked[3]).toMatchObject({ ok: false });
    expect(overLimit).toMatchObject({ ok: false, code: 'TOO_MANY_EVENTS', seq: 9 });
  });

  it('leaves the caller its bytes (a copy goes to the thread)', async () => {
    const bytes = frame(10);
    const before = Buffer.from(bytes);

    await thread.check(bytes, DEFAULT_CODEC_LIMITS);

    expect(bytes.byteLength).toBe(before.byteLength);
    expect(Buffer.from(bytes)).toEqual(before);
  });

  it('lets ingest check a frame itself when the checker fails', async () => {
    // Arrange
    const stream = new MemoryStream();
    const consumer = stream.consumer('raw-game-events', 'test');
    const ingestor = new FrameIngestor({
      producer: stream,
      stream: 'raw-game-events',
      logger: silentLogger,
      metrics: noMetrics,
      check: async () => {
        throw new Error('frame-check thread exited (1)');
      },
    });

    // Act
    const ack = await ingestor.ingest('srv_aaaaaaaaaaaa', frame(11));
    const refused = await ingestor.ingest('srv_aaaaaaaaaaaa', 'not a frame at all!');

    // Assess
    expect(ack).toEqual({ type: 'ack', seq: 11 });
    expect(refused).toMatchObject({ type: 'error' });
    expect((await consumer.poll(10, 0)).length).toBe(1);
  });

  it('sends the digest of each frame that passes to the worker thread’s port, keyed by its stream bytes', async () => {
    // Arrange: a port standing in for the worker thread's
    const received: FrameDigestMessage[] = [];
    const { port1, port2 } = new MessageChannel();
    port2.on('message', (message: FrameDigestMessage) => received.push(message));
    thread.sendDigestsTo(() => port1);
    const binary = frame(20);
    const text = frame(21);

    // Act: a binary frame, a base64 one, and one refused
    await thread.check(binary, DEFAULT_CODEC_LIMITS);
    await thread.check(Buffer.from(text).toString('base64'), DEFAULT_CODEC_LIMITS);
    await thread.check('not a frame at all!', DEFAULT_CODEC_LIMITS);
    await vi.waitFor(() => expect(received.length).toBe(2));

    // Assess: the bytes the stream holds, and what the worker takes from them
    const cache = new PredecodedFrames();
    for (const { partitionKey, bytes, digest } of received) cache.putDigest(partitionKey, bytes, digest);
    expect(cache.take('srv_aaaaaaaaaaaa', binary)?.frame.seq).toBe(20);
    const taken = cache.take('srv_aaaaaaaaaaaa', text);
    expect(taken?.frame.seq).toBe(21);
    expect(taken?.eventJson).toHaveLength(2);
    thread.sendDigestsTo(null);
    port2.close();
  });
});
