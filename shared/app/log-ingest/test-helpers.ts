/**
 * Test helpers for the ingest channels: a stream producer that records what was put (and can be
 * told to fail), and the worker's view of it (frames by `(session, seq)`, repeats dropped). Tests
 * only.
 */
import { silentLogger } from '../../adapters/logging/index.ts';
import { MemoryIngestChannelStore } from '../../adapters/memory/index.ts';
import { noMetrics } from '../../adapters/metrics/index.ts';
import { decodeFrame, type Frame } from '../../domain/codec/index.ts';
import type { AnyEvent } from '../../domain/events/index.ts';
import type { StreamProducer, StreamRecord } from '../../ports/index.ts';
import { IngestChannels } from './ingest-channels.ts';

/** Records every put; `failNext` makes the next puts reject as a stream outage would. */
export class RecordingProducer implements StreamProducer {
  readonly records: StreamRecord[] = [];
  failNext = 0;

  async put(_stream: string, records: readonly StreamRecord[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('stream unavailable');
    }
    this.records.push(...records);
  }

  async close(): Promise<void> {}

  /** Every frame put, in order, repeats included. */
  frames(): Frame[] {
    return this.records.map((record) => {
      const decoded = decodeFrame(record.data, { maxFrameBase64Chars: Number.MAX_SAFE_INTEGER });
      if (!decoded.ok) throw new Error(decoded.message);
      return decoded.frame;
    });
  }

  /**
   * What the worker applies: per session, `seq` 1, 2, 3 … once each (a repeat is dropped, a gap
   * is an error here), sessions in the order they first appear.
   */
  applied(): { frames: Frame[]; events: AnyEvent[]; repeats: number } {
    const next = new Map<string, number>();
    const frames: Frame[] = [];
    let repeats = 0;
    for (const frame of this.frames()) {
      const expected = next.get(frame.session) ?? 1;
      if (frame.seq < expected) {
        repeats++;
        continue;
      }
      if (frame.seq > expected)
        throw new Error(`gap in ${frame.session}: seq ${frame.seq}, expected ${expected}`);
      next.set(frame.session, expected + 1);
      frames.push(frame);
    }
    return { frames, events: frames.flatMap((frame) => frame.events), repeats };
  }
}

let sessions = 0;

/** Channels over a memory store and a recording producer, with predictable session ids. */
export function channelsFor(
  store = new MemoryIngestChannelStore(),
  producer = new RecordingProducer(),
  clock: () => number = Date.now,
) {
  const channels = new IngestChannels({
    store,
    producer,
    stream: 'raw',
    logger: silentLogger,
    metrics: noMetrics,
    clock,
    newSession: (channel, match) => `${channel}-${match ?? 'x'}-${++sessions}`,
  });
  return { channels, store, producer };
}
