/**
 * Plugin text that becomes a key of the worker's state (a session id, a player id) must never
 * reach `Object.prototype`. Found by the 10-minute soak of 2026-12-07: a hostile frame with the
 * session `constructor` made every batch holding it fail (the sequencer read Object's constructor
 * as the session's progress) and stalled the worker for everyone for 4 s while it isolated the
 * record; a player id `__proto__` gave every object of the worker thread a `name` and a `side`.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../adapters/logging/index.ts';
import { MemoryStream } from '../../adapters/memory/index.ts';
import { noMetrics } from '../../adapters/metrics/index.ts';
import { encodeFrame, type Frame } from '../../domain/codec/index.ts';
import type { ConsumedRecord } from '../../ports/index.ts';
import { GameEventWorker } from './game-event-worker.ts';
import { matchEngineDriver } from './match-engine-driver.ts';
import { CapturingStore } from './test-helpers.ts';

const SERVER = 'srv_hostilekeys1';
const NOW = Date.now();

function record(frame: Omit<Frame, 'v' | 'server' | 'sentAt'>, position: number): ConsumedRecord {
  return {
    stream: 'raw-game-events',
    shard: 'local',
    position: String(position),
    partitionKey: SERVER,
    data: encodeFrame({ v: 1, server: SERVER, sentAt: NOW, ...frame }),
    arrivedAt: NOW,
  };
}

function newWorker(store: CapturingStore) {
  return new GameEventWorker({
    store,
    engine: matchEngineDriver,
    logger: silentLogger,
    metrics: noMetrics,
    processed: { producer: new MemoryStream(), stream: 'processed' },
    cacheStates: true,
  });
}

describe('the worker with plugin text that names a property of every object', () => {
  it('stores the frames of sessions named constructor, __proto__ and toString like any other, in seq order', async () => {
    // Arrange: each session's frames, the second sent first
    const store = new CapturingStore();
    const worker = newWorker(store);
    const sessions = ['constructor', '__proto__', 'toString'];
    const records = sessions.flatMap((session, s) =>
      [2, 1].map((seq, i) =>
        record({ session, seq, events: [{ type: 'round_start', ts: NOW + seq }] }, s * 2 + i + 1),
      ),
    );

    // Act
    const report = await worker.processBatch(records);

    // Assess: six events stored, none dead-lettered, nothing on Object.prototype
    expect(report.deadLettered).toBe(0);
    expect(store.stored().map((row) => row.key)).toHaveLength(6);
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('next');
  });

  it('dead-letters a frame acked before player ids were checked whose player id is __proto__, and leaves Object.prototype alone', async () => {
    const store = new CapturingStore();
    const worker = newWorker(store);
    const prototypeNames = Object.getOwnPropertyNames(Object.prototype);

    const report = await worker.processBatch([
      record(
        {
          session: 's1',
          seq: 1,
          events: [
            { type: 'player_connect', ts: NOW, steamId: '__proto__', name: 'evil' },
            { type: 'player_team', ts: NOW, steamId: '__proto__', side: 'CT' },
          ] as Frame['events'],
        },
        1,
      ),
    ]);

    expect(report.deadLettered).toBe(1);
    expect(store.writes.flatMap((write) => write.deadLetters.map((letter) => letter.code))).toEqual([
      'SCHEMA',
    ]);
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeNames);
    expect(({} as Record<string, unknown>).side).toBeUndefined();
  });
});
