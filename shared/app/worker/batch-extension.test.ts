import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../adapters/logging/index.ts';
import { MemoryStream } from '../../adapters/memory/index.ts';
import { noMetrics } from '../../adapters/metrics/index.ts';
import { encodeFrame } from '../../domain/codec/index.ts';
import type { ConsumedRecord, ProcessedMessage, StreamCheckpoint } from '../../ports/index.ts';
import { GameEventWorker } from './game-event-worker.ts';
import { matchEngineDriver } from './match-engine-driver.ts';
import { CapturingStore } from './test-helpers.ts';

const SERVERS = ['srv_extend000001', 'srv_extend000002', 'srv_extend000003'];

/** Three servers' matches, frame by frame in turn, as records of one stream. */
function interleavedRecords(): ConsumedRecord[] {
  const perServer = SERVERS.map((server, s) => {
    const events = generateSyntheticMatch({ rounds: 3, seed: 20 + s });
    const frames: Uint8Array[] = [];
    for (let i = 0, seq = 1; i < events.length; i += 120, seq += 1)
      frames.push(
        encodeFrame({ v: 1, server, session: 's1', seq, sentAt: 0, events: events.slice(i, i + 120) }),
      );
    return frames;
  });
  const records: ConsumedRecord[] = [];
  for (let k = 0; perServer.some((frames) => k < frames.length); k += 1) {
    perServer.forEach((frames, s) => {
      const data = frames[k];
      if (data === undefined) return;
      records.push({
        stream: 'raw-game-events',
        shard: 'local',
        position: String(records.length + 1),
        partitionKey: SERVERS[s]!,
        data,
        arrivedAt: 1_000 + records.length,
      });
    });
  }
  return records;
}

const checkpointAt = (record: ConsumedRecord): StreamCheckpoint => ({
  stream: 'raw-game-events',
  consumer: 'worker',
  offset: record.position,
});

function newWorker(store: CapturingStore, processed: MemoryStream) {
  return new GameEventWorker({
    store,
    engine: matchEngineDriver,
    logger: silentLogger,
    metrics: noMetrics,
    processed: { producer: processed, stream: 'processed' },
    cacheStates: true,
  });
}

/** `batch` prepared as one batch built from parts of `partSize` records, each extending the last. */
async function preparedInParts(worker: GameEventWorker, batch: ConsumedRecord[], partSize: number) {
  let prepared = await worker.prepare(
    batch.slice(0, partSize),
    checkpointAt(batch[Math.min(partSize, batch.length) - 1]!),
  );
  for (let j = partSize; j < batch.length; j += partSize) {
    const more = batch.slice(j, j + partSize);
    prepared = await worker.prepare(more, checkpointAt(more.at(-1)!), prepared);
  }
  return prepared;
}

/** What the whole run wrote and told dashboards, whatever the batches were. */
async function outcome(store: CapturingStore, processed: MemoryStream) {
  const messages = (await processed.consumer('processed', 'test').poll(100_000, 0)).map(
    (record) => JSON.parse(new TextDecoder().decode(record.data)) as ProcessedMessage,
  );
  // The last row of each key, in key order.
  const last = <T>(rows: T[], key: (row: T) => string) =>
    [...new Map(rows.map((row) => [key(row), row]))]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, row]) => row);
  const writes = store.writes;
  return {
    events: store.stored(),
    snapshots: [...store.snapshots.values()],
    rounds: last(
      writes.flatMap((w) => w.rounds),
      (r) => `${r.matchId}/${r.number}`,
    ),
    roundKills: last(
      writes.flatMap((w) => w.roundKills ?? []),
      (r) => `${r.matchId}/${r.number}`,
    ),
    players: last(
      writes.flatMap((w) => w.players),
      (p) => p.steamId,
    ),
    checkpoint: writes.at(-1)?.checkpoint,
    // Each match's events in order (messages of different matches may interleave differently).
    dashboardEvents: Object.fromEntries(
      SERVERS.map((server) => [
        server,
        messages.flatMap((m) =>
          m.type === 'events' ? m.events.filter((e) => e.key[0] === server).map((e) => e.key.join('/')) : [],
        ),
      ]),
    ),
    // Each round's last figures (a round that changes in two parts of a batch is told twice).
    stats: last(
      messages.filter((m) => m.type === 'stats'),
      (m) => `${m.matchId}/${m.round}`,
    ),
  };
}

describe('a prepared batch extended with the records that follow', () => {
  it('writes and publishes what one batch of all those records would', async () => {
    // Arrange: the same records, in batches of 6, or in batches of 2 extended twice by 2
    const records = interleavedRecords();
    const plainStore = new CapturingStore();
    const plainProcessed = new MemoryStream();
    const plain = newWorker(plainStore, plainProcessed);
    const extendedStore = new CapturingStore();
    const extendedProcessed = new MemoryStream();
    const extended = newWorker(extendedStore, extendedProcessed);

    // Act
    for (let i = 0; i < records.length; i += 6) {
      const batch = records.slice(i, i + 6);
      await plain.processBatch(batch, checkpointAt(batch.at(-1)!));
      await extended.commit(await preparedInParts(extended, batch, 2));
    }

    // Assert: the same writes, the same messages, and every event once
    const expected = await outcome(plainStore, plainProcessed);
    const actual = await outcome(extendedStore, extendedProcessed);
    for (const key of Object.keys(expected) as (keyof typeof expected)[])
      expect([key, actual[key]]).toEqual([key, expected[key]]);
    const published = Object.values(actual.dashboardEvents).flat();
    expect(new Set(published).size).toBe(actual.events.length);
    expect(actual.checkpoint?.offset).toBe(records.at(-1)!.position);
    expect(extendedStore.writes.every((write) => write.snapshots.length <= SERVERS.length)).toBe(true);
  });

  it('tells dashboards of a match or round row with the part that changed it, not again with every later part', async () => {
    // Arrange: the same records in batches of 2, or in batches of 12 built from parts of 2
    const records = interleavedRecords();
    const plainProcessed = new MemoryStream();
    const plain = newWorker(new CapturingStore(), plainProcessed);
    const extendedProcessed = new MemoryStream();
    const extended = newWorker(new CapturingStore(), extendedProcessed);

    // Act
    for (let i = 0; i < records.length; i += 2) {
      const part = records.slice(i, i + 2);
      await plain.processBatch(part, checkpointAt(part.at(-1)!));
    }
    for (let i = 0; i < records.length; i += 12) {
      const batch = records.slice(i, i + 12);
      await extended.commit(await preparedInParts(extended, batch, 2));
    }

    // Assert: as many match and round messages as the parts made alone, and the same last state
    const rows = async (processed: MemoryStream) => {
      const messages = (await processed.consumer('processed', 'test').poll(100_000, 0)).map(
        (record) => JSON.parse(new TextDecoder().decode(record.data)) as ProcessedMessage,
      );
      const matches = messages.flatMap((m) => (m.type === 'match' ? [m.match] : []));
      const rounds = messages.flatMap((m) => (m.type === 'round' ? [m.round] : []));
      const merged = new Map<string, Record<string, unknown>>();
      for (const match of matches) merged.set(match.id, { ...merged.get(match.id), ...match });
      return {
        matchMessages: matches.length,
        roundMessages: rounds.length,
        merged: [...merged.entries()].sort(),
      };
    };
    const expected = await rows(plainProcessed);
    const actual = await rows(extendedProcessed);
    expect(actual.matchMessages).toBe(expected.matchMessages);
    expect(actual.roundMessages).toBe(expected.roundMessages);
    expect(actual.merged).toEqual(expected.merged);
  });

  it('leaves the batch it extends as it was (extending returns a new batch)', async () => {
    // Arrange: a batch of the first two records, and a copy of what it held
    const records = interleavedRecords();
    const store = new CapturingStore();
    const worker = newWorker(store, new MemoryStream());
    const first = await worker.prepare(records.slice(0, 2), checkpointAt(records[1]!));
    const before = structuredClone({
      report: first.report,
      letters: first.letters,
      snapshots: first.snapshots,
      serverIds: first.serverIds,
      processed: first.processed.length,
      write: first.write.toWrite(first.snapshots, first.checkpoint, first.letters),
    });

    // Act: extend it with the next four records
    const extended = await worker.prepare(records.slice(2, 6), checkpointAt(records[5]!), first);

    // Assert: the first batch is unchanged; the extended one holds all six records
    expect(extended).not.toBe(first);
    expect({
      report: first.report,
      letters: first.letters,
      snapshots: first.snapshots,
      serverIds: first.serverIds,
      processed: first.processed.length,
      write: first.write.toWrite(first.snapshots, first.checkpoint, first.letters),
    }).toEqual(before);
    expect(extended.report.records).toBe(6);
    expect(extended.checkpoint?.offset).toBe(records[5]!.position);
  });
});
