import { readFileSync } from 'node:fs';
import { silentLogger } from '@geqo/shared/adapters/logging';
import { noMetrics } from '@geqo/shared/adapters/metrics';
import { GameEventWorker, matchEngineDriver } from '@geqo/shared/app/worker';
import { decodeFrame, encodeFrame, type Frame } from '@geqo/shared/domain/codec';
import { type AnyEvent, storedFormJson } from '@geqo/shared/domain/events';
import type { ConsumedRecord, EventStore, Metrics } from '@geqo/shared/ports';
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import { describe, expect, it } from 'vitest';
import { CapturingStore } from '../../shared/app/worker/test-helpers.ts';
import { digestFrame, readDigest } from './frame-digests.ts';

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

const newWorker = (store: EventStore, metrics: Metrics = noMetrics) =>
  new GameEventWorker({
    store,
    engine: matchEngineDriver,
    logger: silentLogger,
    metrics,
    cacheStates: true,
    readDigest,
  });

const record = (data: Uint8Array, position: number, digest?: Uint8Array): ConsumedRecord => ({
  stream: 'raw-game-events',
  shard: 'local',
  position: String(position),
  partitionKey: SERVER,
  data,
  arrivedAt: 1_000 + position,
  ...(digest ? { digest } : {}),
});

/** Counts what the worker counts. */
class CountingMetrics implements Metrics {
  readonly counts = new Map<string, number>();
  count(name: string, value = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + value);
  }
  observe(): void {}
}

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
      // Arrange: the same frames, to a worker that decodes them and to one that reads their digests
      const frames = framesOf(events);
      const decoding = new CapturingStore();
      const digested = new CapturingStore();
      const counted = new CountingMetrics();

      // Act
      const plain = newWorker(decoding);
      const fed = newWorker(digested, counted);
      for (let i = 0; i < frames.length; i += 7) {
        const part = frames.slice(i, i + 7);
        await plain.processBatch(part.map((bytes, j) => record(bytes, i + j + 1)));
        await fed.processBatch(part.map((bytes, j) => record(bytes, i + j + 1, digestFrame(decoded(bytes)))));
      }

      // Assert: every digest was read, and the writes are the same
      expect(counted.counts.get('worker_frames_predecoded')).toBe(frames.length);
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
    // Arrange: frame 2 arrives (with its digest) before frame 1; the worker restarts in between
    const events = generateSyntheticMatch({ rounds: 1, seed: 5 }).slice(0, 200);
    const [first, second] = framesOf(events);
    const store = new CapturingStore();
    await newWorker(store).processBatch([record(second!, 1, digestFrame(decoded(second!)))]);
    expect(store.stored()).toHaveLength(0);

    // Act: a fresh worker (from the snapshot) gets frame 1, read back without a digest
    await newWorker(store).processBatch([record(first!, 2)]);

    // Assert: both frames stored in order, the waiting one with its events' stored form
    expect(store.stored().map((e) => e.json)).toEqual(events.map(storedFormJson));
  });

  it('that cannot be read are counted, and the worker decodes the frame instead', async () => {
    const [bytes] = framesOf(generateSyntheticMatch({ rounds: 1, seed: 3 }).slice(0, 50));
    const store = new CapturingStore();
    const counted = new CountingMetrics();

    await newWorker(store, counted).processBatch([record(bytes!, 1, new Uint8Array([0xc1]))]);

    expect(counted.counts.get('worker_digests_unreadable')).toBe(1);
    expect(counted.counts.get('worker_frames_predecoded')).toBeUndefined();
    expect(store.stored()).toHaveLength(50);
  });
});
