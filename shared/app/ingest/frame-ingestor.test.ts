import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../adapters/logging/index.ts';
import { noMetrics } from '../../adapters/metrics/index.ts';
import { encodeFrame, type Frame } from '../../domain/codec/index.ts';
import type { StreamProducer, StreamRecord } from '../../ports/index.ts';
import { FrameIngestor } from './frame-ingestor.ts';

const SERVER = 'srv_ingest000001';

class CapturingProducer implements StreamProducer {
  readonly records: StreamRecord[] = [];
  async put(_stream: string, records: readonly StreamRecord[]): Promise<void> {
    this.records.push(...records);
  }
  async close(): Promise<void> {}
}

const frame = (seq: number) =>
  encodeFrame({
    v: 1,
    server: SERVER,
    session: 's1',
    seq,
    sentAt: Date.now(),
    events: [{ type: 'round_start', ts: Date.now() }],
  });

const ingestorWith = (producer: StreamProducer, digest?: (frame: Frame) => Uint8Array | undefined) =>
  new FrameIngestor({
    producer,
    stream: 'raw-game-events',
    logger: silentLogger,
    metrics: noMetrics,
    ...(digest ? { digest } : {}),
  });

describe('FrameIngestor', () => {
  it('answers INTERNAL (retriable) when taking a frame fails unforeseen, and takes the next one', async () => {
    const producer = new CapturingProducer();
    let failing = true;
    const ingestor = new FrameIngestor({
      producer,
      stream: 'raw-game-events',
      logger: silentLogger,
      metrics: {
        ...noMetrics,
        observe: () => {
          if (failing) throw new Error('a metrics sink that throws');
        },
      },
    });

    const first = await ingestor.ingest(SERVER, frame(1));
    failing = false;
    const second = await ingestor.ingest(SERVER, frame(2));

    expect(first).toEqual({
      type: 'error',
      code: 'INTERNAL',
      message: 'the frame could not be taken just now; resend it later',
      retriable: true,
    });
    expect(second).toEqual({ type: 'ack', seq: 2 });
    expect(producer.records).toHaveLength(1);
  });

  it('puts a frame that passes on the stream with its digest, made from the decoded frame', async () => {
    const producer = new CapturingProducer();
    const digested: Frame[] = [];
    const ingestor = ingestorWith(producer, (decoded) => {
      digested.push(decoded);
      return new Uint8Array([decoded.seq]);
    });

    const reply = await ingestor.ingest(SERVER, frame(7));

    expect(reply).toEqual({ type: 'ack', seq: 7 });
    expect(digested.map((f) => f.seq)).toEqual([7]);
    expect(producer.records).toHaveLength(1);
    expect(producer.records[0]?.digest).toEqual(new Uint8Array([7]));
  });

  it('acks a frame whose digest could not be made, putting its record without one', async () => {
    const producer = new CapturingProducer();
    const ingestor = ingestorWith(producer, () => {
      throw new Error('a digest that failed');
    });

    const reply = await ingestor.ingest(SERVER, frame(1));

    expect(reply).toEqual({ type: 'ack', seq: 1 });
    expect(producer.records).toHaveLength(1);
    expect(producer.records[0]).not.toHaveProperty('digest');
  });

  it('puts a record without a digest when none is wanted for it (the worker reads the table just now)', async () => {
    const producer = new CapturingProducer();
    const ingestor = ingestorWith(producer, () => undefined);

    const reply = await ingestor.ingest(SERVER, frame(2));

    expect(reply).toEqual({ type: 'ack', seq: 2 });
    expect(producer.records).toHaveLength(1);
    expect(producer.records[0]).not.toHaveProperty('digest');
  });

  it('makes no digest of a frame it refuses, and puts nothing', async () => {
    const producer = new CapturingProducer();
    let digests = 0;
    const ingestor = ingestorWith(producer, () => {
      digests += 1;
      return new Uint8Array();
    });

    const reply = await ingestor.ingest('srv_someone_else', frame(1));

    expect(reply).toMatchObject({ type: 'error', code: 'SERVER_MISMATCH', seq: 1 });
    expect(digests).toBe(0);
    expect(producer.records).toHaveLength(0);
  });
});
