import { readFileSync } from 'node:fs';
import { silentLogger } from '@geqo/shared/adapters/logging';
import { noMetrics } from '@geqo/shared/adapters/metrics';
import { GameEventWorker, matchEngineDriver } from '@geqo/shared/app/worker';
import { decodeFrame, encodeFrame, type Frame } from '@geqo/shared/domain/codec';
import { type AnyEvent, storedFormJson } from '@geqo/shared/domain/events';
import type { ConsumedRecord, EventStore } from '@geqo/shared/ports';
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import { describe, expect, it } from 'vitest';
import { CapturingStore } from '../../shared/app/worker/test-helpers.ts';
import { digestFrame, PredecodedFrames, readDigest } from './predecoded-frames.ts';

const FIXTURES = new URL('../../../shared/fixtures/matches/', import.meta.url).pathname;
const SERVER = 'srv_digest000001';

function fixtureEvents(name: string): AnyEvent[] {
  return readFileSync(`${FIXTURES}${name}`, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AnyEvent);
}

/** The match as a plugin frames it: 100 events a frame, LZ4 as MessagePack-CSharp does it. */
function framesOf(events: readonly AnyEvent[], session = 's1'): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let i = 0, seq = 1; i < events.length; i += 100, seq += 1)
    frames.push(
      encodeFrame({
        v: 1,
        server: SERVER,
        session,
        seq,
        sentAt: 0,
        tag: 'cup',
        events: events.slice(i, i + 100),
      }),
    );
  return frames;
}

function decoded(bytes: Uint8Array): Frame {
  const result = decodeFrame(bytes);
  if (!result.ok) throw new Error(result.message);
  return result.frame;
}

const matches: [string, AnyEvent[]][] = [
  ['the nuke fixture', fixtureEvents('2026-02-09_de_nuke_FURIA_2-13_Team_Vitality.jsonl')],
  ['the ancient fixture', fixtureEvents('2026-05-17_de_ancient_Team_Spirit_13-10_Team_Falcons.jsonl')],
  ['a synthetic match with positions at 8 Hz', generateSyntheticMatch({ rounds: 6, seed: 11 })],
];

const newWorker = (store: EventStore, frameCache?: PredecodedFrames) =>
  new GameEventWorker({
    store,
    engine: matchEngineDriver,
    logger: silentLogger,
    metrics: noMetrics,
    cacheStates: true,
    ...(frameCache ? { frameCache } : {}),
  });

const record = (data: Uint8Array, position: number): ConsumedRecord => ({
  stream: 'raw-game-events',
  shard: 'local',
  position: String(position),
  partitionKey: SERVER,
  data,
  arrivedAt: 1_000 + position,
});

describe('frame digests', () => {
  it.each(matches)('give back the frame and each event’s stored form: %s', (_name, events) => {
    for (const bytes of framesOf(events)) {
      const frame = decoded(bytes);

      const digest = readDigest(digestFrame(frame));

      expect(digest.eventJson).toEqual(frame.events.map(storedFormJson));
      // Positions keep their time and tick; their players are only in the JSON.
      const expected = frame.events.map((event) => {
        if (event.type !== 'positions') return event;
        const { players: _players, ...rest } = event;
        return rest;
      });
      expect(digest.frame).toEqual({ ...frame, events: expected });
    }
  });

  it.each(matches)(
    'make the worker write what it writes decoding the frames itself: %s',
    async (_name, events) => {
      // Arrange: the same frames, to a worker that decodes them and to one that takes their digests
      const frames = framesOf(events);
      const decoding = new CapturingStore();
      const digested = new CapturingStore();
      const cache = new PredecodedFrames();
      for (const bytes of frames) cache.putDigest(SERVER, bytes, digestFrame(decoded(bytes)));

      // Act
      const plain = newWorker(decoding);
      const fed = newWorker(digested, cache);
      for (let i = 0; i < frames.length; i += 7) {
        const batch = frames.slice(i, i + 7).map((bytes, j) => record(bytes, i + j + 1));
        await plain.processBatch(batch);
        await fed.processBatch(batch);
      }

      // Assert: every digest was taken, and the writes are the same
      expect(cache.size).toBe(0);
      expect(digested.stored()).toEqual(decoding.stored());
      expect(digested.stored()).toHaveLength(events.length);
      const rowsOf = (store: CapturingStore) =>
        store.writes.map(({ matches, rounds, players, matchPlayers, snapshots }) => ({
          matches,
          rounds,
          players,
          matchPlayers,
          snapshots,
        }));
      expect(rowsOf(digested)).toEqual(rowsOf(decoding));
    },
  );

  it('keep a frame that waits for an earlier one, through a snapshot and a restart', async () => {
    // Arrange: frame 2 arrives (as a digest) before frame 1; the worker restarts in between
    const events = generateSyntheticMatch({ rounds: 1, seed: 5 }).slice(0, 200);
    const [first, second] = framesOf(events);
    const store = new CapturingStore();
    const cache = new PredecodedFrames();
    cache.putDigest(SERVER, second!, digestFrame(decoded(second!)));
    await newWorker(store, cache).processBatch([record(second!, 1)]);
    expect(store.stored()).toHaveLength(0);

    // Act: a fresh worker (from the snapshot) gets frame 1
    await newWorker(store).processBatch([record(first!, 2)]);

    // Assert: both frames stored in order, the waiting one with its events' stored form
    expect(store.stored().map((e) => e.json)).toEqual(events.map(storedFormJson));
  });
});

describe('predecoded frames', () => {
  const frame = (seq: number) =>
    encodeFrame({
      v: 1,
      server: SERVER,
      session: 's1',
      seq,
      sentAt: 0,
      events: [{ type: 'round_start', ts: 1_000 + seq }],
    });

  it('hands a digest over once, for exactly the bytes it was made from', () => {
    const cache = new PredecodedFrames();
    const bytes = frame(1);
    cache.putDigest(SERVER, bytes, digestFrame(decoded(bytes)));

    expect(cache.take('srv_other0000001', bytes)).toBeUndefined();
    expect(cache.take(SERVER, frame(2))).toBeUndefined();
    expect(cache.take(SERVER, new Uint8Array(bytes))?.frame.seq).toBe(1);
    expect(cache.take(SERVER, bytes)).toBeUndefined();
    expect(cache.bytesHeld).toBe(0);
  });

  it('full, keeps the oldest digests (the next the worker reads when it is behind) and refuses new ones', () => {
    const bytes = [1, 2, 3, 4].map(frame);
    const digests = bytes.map((b) => digestFrame(decoded(b)));
    const one = bytes[0]!.byteLength + digests[0]!.byteLength;
    const cache = new PredecodedFrames({ maxBytes: one * 2 + 4 });

    for (const [i, b] of bytes.entries()) cache.putDigest(SERVER, b, digests[i]!);

    expect(cache.size).toBe(2);
    expect(cache.refused).toBe(2);
    expect(cache.take(SERVER, bytes[0]!)?.frame.seq).toBe(1);
    expect(cache.take(SERVER, bytes[1]!)?.frame.seq).toBe(2);
    expect(cache.take(SERVER, bytes[3]!)).toBeUndefined();
  });

  it('full, drops an entry nobody took for staleMs to make room', () => {
    const bytes = [1, 2, 3].map(frame);
    let now = 0;
    const cache = new PredecodedFrames({ maxEntries: 2, staleMs: 1_000 }, () => now);
    const put = (b: Uint8Array) => cache.putDigest(SERVER, b, digestFrame(decoded(b)));
    put(bytes[0]!);
    now = 500;
    put(bytes[1]!);
    now = 1_200;
    put(bytes[2]!);

    expect(cache.refused).toBe(0);
    expect(cache.take(SERVER, bytes[0]!)).toBeUndefined();
    expect(cache.take(SERVER, bytes[1]!)?.frame.seq).toBe(2);
    expect(cache.take(SERVER, bytes[2]!)?.frame.seq).toBe(3);
  });

  it('counts a digest it cannot read as a miss', () => {
    const cache = new PredecodedFrames();
    const bytes = frame(1);
    cache.putDigest(SERVER, bytes, new Uint8Array([0xc1]));

    expect(cache.take(SERVER, bytes)).toBeUndefined();
    expect(cache.unreadable).toBe(1);
  });

  it('keeps at most maxEntries', () => {
    const bytes = [1, 2, 3].map(frame);
    const cache = new PredecodedFrames({ maxEntries: 2 });

    for (const b of bytes) cache.putDigest(SERVER, b, digestFrame(decoded(b)));

    expect(cache.size).toBe(2);
    expect(cache.take(SERVER, bytes[2]!)).toBeUndefined();
    expect(cache.take(SERVER, bytes[0]!)?.frame.seq).toBe(1);
    expect(cache.take(SERVER, bytes[0]!)).toBeUndefined();
  });
});
