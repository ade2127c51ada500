/**
 * Past the edge, fuzzed: every frame ingest would ack goes through the worker (decode, sequencer,
 * match engine, statistics, the writes it builds) without a throw, and leaves `Object.prototype`
 * as it was. Plugin text becomes keys of the worker's state (sessions, player ids): before
 * 2026-12-07, a session `constructor` failed every batch that held it, and a player id
 * `__proto__` gave every object of the worker thread a `name` and a `side`. One worker takes all
 * the cases in turn, as one keeps its state across frames in production.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/adapters/logging/index.ts';
import { MemoryStream } from '../../shared/adapters/memory/index.ts';
import { noMetrics } from '../../shared/adapters/metrics/index.ts';
import { GameEventWorker } from '../../shared/app/worker/game-event-worker.ts';
import { matchEngineDriver } from '../../shared/app/worker/match-engine-driver.ts';
import { CapturingStore } from '../../shared/app/worker/test-helpers.ts';
import { decodeFrame, encodeFrame, type Frame } from '../../shared/domain/codec/index.ts';
import { type FrameCase, frameCase, validFrame } from './support/frame-inputs.ts';
import { fastRuns, fuzzParameters, fuzzTimeoutMs } from './support/fuzz-runs.ts';

const SERVER = 'srv_fuzzstate001';
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
/** Fields whose text becomes a key of the worker's state. */
const PLAYER_FIELDS = ['steamId', 'attacker', 'victim', 'assister'];

function newWorker(): GameEventWorker {
  return new GameEventWorker({
    store: new CapturingStore(),
    engine: matchEngineDriver,
    logger: silentLogger,
    metrics: noMetrics,
    processed: { producer: new MemoryStream(), stream: 'processed' },
    cacheStates: true,
  });
}

/** A fixture frame whose session, or every player id in it, is a name of Object.prototype's. */
const prototypeNamedFrame = fc
  .record({
    frame: validFrame({ server: SERVER, maxEvents: 12 }),
    name: fc.constantFrom(...PROTOTYPE_NAMES),
    where: fc.constantFrom('session', 'players', 'both'),
    seq: fc.integer({ min: 1, max: 4 }),
  })
  .map(({ frame, name, where, seq }) => {
    const named: Frame = { ...frame, seq };
    if (where !== 'players') named.session = name;
    if (where !== 'session')
      named.events = frame.events.map((event) => {
        const copy = { ...event } as Record<string, unknown>;
        for (const field of PLAYER_FIELDS) if (typeof copy[field] === 'string') copy[field] = name;
        if (Array.isArray(copy.players))
          copy.players = copy.players.map((player: Record<string, unknown>) => ({
            ...player,
            steamId: name,
          }));
        return copy as Frame['events'][number];
      });
    return { bytes: encodeFrame(named), steps: [`${where} named ${name}, seq ${seq}`] };
  });

/**
 * One record through the worker: it must take it (stored or dead-lettered) without a throw, and
 * leave Object.prototype as it was. `steps` say how the input was made.
 */
async function takeOne(
  worker: GameEventWorker,
  data: Uint8Array,
  position: number,
  steps: readonly string[],
) {
  try {
    await worker.processBatch([
      {
        stream: 'raw',
        shard: 'local',
        position: String(position),
        partitionKey: SERVER,
        data,
        arrivedAt: Date.now(),
      },
    ]);
  } catch (error) {
    throw new Error(`the worker threw: ${String(error)}\n  made by: ${steps.join('; ')}`);
  }
  expect(Object.getOwnPropertyNames(Object.prototype), steps.join('; ')).toEqual(PROTOTYPE_NAMES);
  expect(({} as Record<string, unknown>).side, steps.join('; ')).toBeUndefined();
}

describe('fuzz: the worker takes whatever ingest acks', () => {
  it(
    'stores or dead-letters every frame that decodes, never throws, and leaves Object.prototype alone',
    async () => {
      const worker = newWorker();
      let position = 0;
      await fc.assert(
        fc.asyncProperty(frameCase({ server: SERVER }), async ({ message, steps }: FrameCase) => {
          if (!decodeFrame(message, undefined, Date.now()).ok) return;
          position += 1;
          // Stored as ingest stores it: a text frame's base64 decoded to its bytes.
          const data = typeof message === 'string' ? new Uint8Array(Buffer.from(message, 'base64')) : message;
          await takeOne(worker, data, position, steps);
        }),
        fuzzParameters('worker-state', fastRuns(0.05)),
      );
    },
    fuzzTimeoutMs(fastRuns(0.05)),
  );

  it(
    "takes sessions and player ids named after Object.prototype's properties without a throw or a trace on Object.prototype",
    async () => {
      const worker = newWorker();
      let position = 0;
      await fc.assert(
        fc.asyncProperty(prototypeNamedFrame, async ({ bytes, steps }) => {
          position += 1;
          // Every one, decodable or not: the worker reads what an older version acked, too.
          await takeOne(worker, bytes, position, steps);
        }),
        fuzzParameters('worker-prototype-names', fastRuns(0.02)),
      );
    },
    fuzzTimeoutMs(fastRuns(0.02)),
  );
});
