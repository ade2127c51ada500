import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import type { IngestChannelRecord } from '../../ports/index.ts';
import { PostgresIngestChannelStore } from './ingest-channel-store.ts';
import { migrate } from './migrate.ts';
import { createPool } from './pool.ts';
import { PostgresServerRepository } from './server-repository.ts';

let database: TestDatabase;
let pool: ReturnType<typeof createPool>;
let store: PostgresIngestChannelStore;
const serverId = 'srv_channels';

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url);
  await migrate(pool);
  store = new PostgresIngestChannelStore(pool);
  await new PostgresServerRepository(pool).insert({
    id: serverId,
    name: 'channels',
    tokenHash: 'unused',
    createdAt: Date.now(),
    revokedAt: null,
  });
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

function record(version: number, overrides: Partial<IngestChannelRecord> = {}): IngestChannelRecord {
  return {
    serverId,
    channel: 'cs2-log',
    session: 'cs2-log-1',
    nextSeq: version + 1,
    // A partial line may hold a NUL (jsonb would refuse it) and any Unicode.
    state: { parser: { partialLine: 'L 01/19/2026 - \u0000 "gg\u200b' }, carry: '4oA=' },
    position: { instance: 'i', offset: version * 100, bodyHash: 'ab' },
    pending: [new Uint8Array([0x92, 0x01, 0x02]), new Uint8Array([0xc7, 0x00])],
    version,
    updatedAt: 1_779_040_800_000 + version,
    ...overrides,
  };
}

describe('PostgresIngestChannelStore', () => {
  it('saves a new channel and reads it back exactly', async () => {
    // Act
    const saved = await store.save(record(1));
    const loaded = await store.load(serverId, 'cs2-log');

    // Assess
    expect(saved).toBe(true);
    expect(loaded).toEqual(record(1));
  });

  it('saves the next version only over the one it was read from', async () => {
    // Act
    const next = await store.save(record(2, { pending: [] }));
    const stale = await store.save(record(2, { session: 'someone-else' }));
    const skipped = await store.save(record(4));
    const again = await store.save(record(1, { session: 'insert-twice' }));

    // Assess
    expect([next, stale, skipped, again]).toEqual([true, false, false, false]);
    expect(await store.load(serverId, 'cs2-log')).toEqual(record(2, { pending: [] }));
  });

  it('lists the channels whose outbox holds frames', async () => {
    // Prepare
    await store.save(record(1, { channel: 'matchzy', pending: [new Uint8Array([1])] }));

    // Act
    const pending = await store.listPending(10);

    // Assess: the cs2-log channel's outbox is empty since version 2.
    expect(pending.map((entry) => [entry.channel, entry.pending.length])).toEqual([['matchzy', 1]]);
  });

  it('empties an outbox of the version given only', async () => {
    // Act
    await store.clearPending(serverId, 'matchzy', 7);
    const untouched = await store.listPending(10);
    await store.clearPending(serverId, 'matchzy', 1);

    // Assess
    expect(untouched).toHaveLength(1);
    expect(await store.listPending(10)).toEqual([]);
    expect((await store.load(serverId, 'matchzy'))?.version).toBe(1);
  });
});
