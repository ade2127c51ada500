import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../adapters/logging/index.ts';
import { MemoryIngestChannelStore } from '../../adapters/memory/index.ts';
import { noMetrics } from '../../adapters/metrics/index.ts';
import type { AnyEvent } from '../../domain/events/index.ts';
import { IngestChannels } from './ingest-channels.ts';
import { channelsFor, RecordingProducer } from './test-helpers.ts';

const SERVER = 'srv_0123456789ab';
const DAY = 86_400_000;

function roundStarts(count: number, from = 0): AnyEvent[] {
  return Array.from({ length: count }, (_, index) => ({ type: 'round_start' as const, ts: from + index }));
}

describe('IngestChannels', () => {
  it('empties the outbox once its frames are on the stream', async () => {
    // Prepare
    const { channels, store } = channelsFor();

    // Act
    await channels.run(SERVER, 'cs2-log', () => ({
      kind: 'advance',
      result: null,
      state: 1,
      position: 1,
      events: roundStarts(3),
    }));

    // Assess
    expect(await store.listPending(10)).toEqual([]);
    expect((await store.load(SERVER, 'cs2-log'))?.nextSeq).toBe(2);
  });

  it('splits many events into frames of at most maxEventsPerFrame, seq rising by one', async () => {
    // Prepare
    const producer = new RecordingProducer();
    const channels = new IngestChannels({
      store: new MemoryIngestChannelStore(),
      producer,
      stream: 'raw',
      logger: silentLogger,
      metrics: noMetrics,
      maxEventsPerFrame: 2,
    });

    // Act
    const outcome = await channels.run(SERVER, 'matchzy', () => ({
      kind: 'advance',
      result: 'ok',
      state: null,
      position: null,
      events: roundStarts(5),
      match: '14272',
    }));

    // Assess
    expect(outcome).toMatchObject({ result: 'ok', frames: 3, firstSeq: 1 });
    expect(producer.frames().map((frame) => [frame.seq, frame.events.length, frame.match])).toEqual([
      [1, 2, '14272'],
      [2, 2, '14272'],
      [3, 1, '14272'],
    ]);
  });

  it('reports an outbox too old to put again instead of putting it into a session the worker forgot', async () => {
    // Prepare: a process saved an outbox, then died before its put; nothing ran for 4 days.
    const store = new MemoryIngestChannelStore();
    const producer = new RecordingProducer();
    let now = 1_779_040_800_000;
    const dying = channelsFor(store, producer, () => now).channels;
    producer.failNext = 1;
    await expect(
      dying.run(SERVER, 'cs2-log', () => ({
        kind: 'advance',
        result: null,
        state: 1,
        position: 1,
        events: roundStarts(1),
      })),
    ).rejects.toThrow();
    now += 4 * DAY;

    // Act
    const recovered = await channelsFor(store, producer, () => now).channels.recoverPending();

    // Assess
    expect(recovered).toBe(0);
    expect(producer.records).toHaveLength(0);
    expect(await store.listPending(10)).toEqual([]);
  });

  it('changes nothing for a request the source calls unchanged', async () => {
    // Prepare
    const { channels, store, producer } = channelsFor();

    // Act
    const outcome = await channels.run(SERVER, 'get5', () => ({ kind: 'unchanged', result: 'duplicate' }));

    // Assess
    expect(outcome).toMatchObject({ result: 'duplicate', frames: 0, firstSeq: null });
    expect(await store.load(SERVER, 'get5')).toBeNull();
    expect(producer.records).toHaveLength(0);
  });

  it('drops the events the store could not hold (U+0000 in a log-line name, a tick beyond int32) before framing, and frames the rest', async () => {
    // Prepare
    const producer = new RecordingProducer();
    const counted: [string, number, Record<string, string> | undefined][] = [];
    const channels = new IngestChannels({
      store: new MemoryIngestChannelStore(),
      producer,
      stream: 'raw',
      logger: silentLogger,
      metrics: { count: (name, value = 1, labels) => counted.push([name, value, labels]), observe() {} },
    });
    const ts = 1_779_040_800_000;
    const events: AnyEvent[] = [
      { type: 'round_start', ts },
      { type: 'player_connect', ts, steamId: '76561198000000001', name: 'bad\u0000name' },
      { type: 'round_freeze_end', ts, tick: 2 ** 31 },
      { type: 'round_end', ts, winner: 'CT', reason: 'ct_win', scoreCT: 1, scoreT: 0 },
    ];

    // Act
    const outcome = await channels.run(SERVER, 'cs2-log', () => ({
      kind: 'advance',
      result: null,
      state: null,
      position: null,
      events,
    }));

    // Assess: the worker decodes every frame put, and sees only the good events
    expect(outcome.frames).toBe(1);
    expect(producer.applied().events.map((event) => event.type)).toEqual(['round_start', 'round_end']);
    expect(counted).toContainEqual(['ingest_events_refused', 2, { channel: 'cs2-log' }]);
  });
});
