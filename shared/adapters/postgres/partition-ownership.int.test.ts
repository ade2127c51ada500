import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { GameEventWorker, matchEngineDriver } from '../../app/worker/index.ts';
import { encodeFrame } from '../../domain/codec/index.ts';
import {
  type ConsumedRecord,
  PARTITION_FENCED_SQLSTATE,
  type PartitionClaim,
  type PartitionsCheckpoint,
} from '../../ports/index.ts';
import { silentLogger } from '../logging/index.ts';
import { noMetrics } from '../metrics/index.ts';
import { createPool, migrate, PostgresEventStore, PostgresPartitionOwnership } from './index.ts';

let database: TestDatabase;
let pool: ReturnType<typeof createPool>;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url);
  await migrate(pool);
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

const GROUP = 'geqo-worker';
const TOPIC = 'raw-game-events';
const SERVER = 'srv_fence0000001';

/** One synthetic match as records of partition 0 of the topic, one frame of 60 events each. */
function matchRecords(): ConsumedRecord[] {
  const events = generateSyntheticMatch({ rounds: 2, seed: 7 });
  const records: ConsumedRecord[] = [];
  for (let i = 0, seq = 1; i < events.length; i += 60, seq += 1) {
    records.push({
      stream: TOPIC,
      shard: `${TOPIC}-0`,
      position: String(seq - 1),
      partitionKey: SERVER,
      data: encodeFrame({
        v: 1,
        server: SERVER,
        session: 's1',
        seq,
        sentAt: 0,
        events: events.slice(i, i + 60),
      }),
      arrivedAt: 1_000 + seq,
    });
  }
  return records;
}

/** The checkpoint a worker holding `claim` of partition 0 commits after reading up to `last`. */
function checkpointAfter(claim: PartitionClaim, last: ConsumedRecord): PartitionsCheckpoint {
  return {
    stream: TOPIC,
    consumer: GROUP,
    partitions: [{ partition: 0, epoch: claim.epoch, nextOffset: String(Number(last.position) + 1) }],
  };
}

function newWorker() {
  return new GameEventWorker({
    store: new PostgresEventStore(pool),
    engine: matchEngineDriver,
    logger: silentLogger,
    metrics: noMetrics,
    cacheStates: true,
  });
}

async function counts() {
  const { rows } = await pool.query<{
    events: number;
    rounds: number;
    state: string | null;
    offset: number | null;
  }>(
    `SELECT (SELECT count(*)::int FROM game_events) AS events, (SELECT count(*)::int FROM rounds) AS rounds,
            (SELECT state::text FROM match_state WHERE server_id = $1) AS state,
            (SELECT next_offset FROM partition_owners WHERE consumer_group = $2 AND topic = $3 AND partition_id = 0) AS offset`,
    [SERVER, GROUP, TOPIC],
  );
  return rows[0]!;
}

describe('partition ownership fenced in PostgreSQL', () => {
  it("refuses a fenced-out worker's commit, writing nothing, once another worker took its partition", async () => {
    // Prepare: worker A takes partition 0 and commits the first half of a match.
    const ownership = new PostgresPartitionOwnership(pool);
    const records = matchRecords();
    const half = Math.floor(records.length / 2);
    const [claimA] = await ownership.take(GROUP, TOPIC, [0], 'worker-a');
    const workerA = newWorker();
    await workerA.processBatch(records.slice(0, half), checkpointAfter(claimA!, records[half - 1]!));
    // A prepares the second half on its cached state...
    const prepared = await workerA.prepare(records.slice(half), checkpointAfter(claimA!, records.at(-1)!));
    const before = await counts();

    // Act: ...while B is assigned the partition and takes it; then A commits.
    const [claimB] = await ownership.take(GROUP, TOPIC, [0], 'worker-b');
    const refused = workerA.commit(prepared);

    // Assess: A's write is refused whole; B starts where A's last committed batch ended.
    await expect(refused).rejects.toMatchObject({
      code: PARTITION_FENCED_SQLSTATE,
      message: expect.stringMatching(/^fenced: partition 0 .* held at epoch 2, this write holds epoch 1/),
    });
    expect(await counts()).toEqual(before);
    expect(before.offset).toBe(half);
    expect(claimA).toMatchObject({ partition: 0, epoch: 1, nextOffset: null });
    expect(claimB).toEqual({ partition: 0, epoch: 2, nextOffset: String(half) });
    // B, reading from there on the stored snapshot, stores the rest of the match.
    await newWorker().processBatch(records.slice(half), checkpointAfter(claimB!, records.at(-1)!));
    const after = await counts();
    expect(after.events).toBe(generateSyntheticMatch({ rounds: 2, seed: 7 }).length);
    expect(after.offset).toBe(records.length);
  });

  it('makes a take wait for a batch committing under the old epoch, and return the offset it stored', async () => {
    // Prepare: A holds partition 3; a batch of A is in its transaction, past the fence.
    const ownership = new PostgresPartitionOwnership(pool);
    const [claimA] = await ownership.take(GROUP, 'topic-wait', [3], 'worker-a');
    const batch = await pool.connect();
    await batch.query('BEGIN');
    await batch.query(
      `CALL commit_partition_positions($1, 'topic-wait', '[{"partition_id": 3, "epoch": ${claimA!.epoch}, "next_offset": "41"}]')`,
      [GROUP],
    );

    // Act: B takes the partition meanwhile.
    let tookAt = 0;
    const taking = ownership.take(GROUP, 'topic-wait', [3], 'worker-b').then((claims) => {
      tookAt = Date.now();
      return claims;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const committedAt = Date.now();
    await batch.query('COMMIT');
    batch.release();

    // Assess: the take waited for the batch and sees its offset.
    expect(await taking).toEqual([{ partition: 3, epoch: claimA!.epoch + 1, nextOffset: '41' }]);
    expect(tookAt).toBeGreaterThanOrEqual(committedAt);
    expect(await ownership.read(GROUP, 'topic-wait', [3, 4])).toEqual([
      { partition: 3, epoch: claimA!.epoch + 1, nextOffset: '41' },
    ]);
  });
});
