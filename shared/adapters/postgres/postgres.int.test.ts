import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import type { EnrichedEvent } from '../../domain/match/index.ts';
import type { WorkerWrite } from '../../ports/index.ts';
import { PostgresEventStore } from './event-store.ts';
import { migrate } from './migrate.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { dayStart, PARTITION_DAYS_AHEAD, partitionName } from './partitions.ts';
import { createPool } from './pool.ts';
import { PostgresStream } from './stream.ts';

let database: TestDatabase;
let pool: ReturnType<typeof createPool>;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url);
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

const enriched = (seq: number, index: number, ts: number): EnrichedEvent => ({
  key: { server: 'srv_aaaaaaaaaaaa', session: 's1', seq, index },
  event: { type: 'round_start', ts },
  enrichment: {
    matchId: 'm1',
    roundNumber: 1,
    phase: 'live',
    isPostRound: false,
    matchTag: null,
    excluded: false,
    unknownType: false,
  },
});

const emptyWrite = (): WorkerWrite => ({
  events: [],
  matches: [],
  rounds: [],
  roundVoids: [],
  gaps: [],
  players: [],
  matchPlayers: [],
  snapshots: [],
  deadLetters: [],
});

describe('PostgreSQL adapter', () => {
  it('migrates once, and again as a no-op, with native partitions where TimescaleDB is missing', async () => {
    const first = await migrate(pool);
    const second = await migrate(pool);
    expect(first.applied.map((m) => m.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(second.applied).toEqual([]);
    expect(first.capabilities.timescale).toBe(false);
    const { rows } = await pool.query(
      `SELECT c.relkind FROM pg_class c WHERE c.relname = 'game_events' AND c.relnamespace = 'public'::regnamespace`,
    );
    expect(rows[0]?.relkind).toBe('p');
  });

  it('stores events idempotently, in a partition made for their day', async () => {
    const store = new PostgresEventStore(pool);
    // Today: partitions are made only for days near the clock.
    const ts = dayStart(Date.now()) + 12 * 3_600_000;
    const write = {
      ...emptyWrite(),
      matches: [
        {
          id: 'm1',
          serverId: 'srv_aaaaaaaaaaaa',
          externalId: null,
          map: 'de_ancient',
          tag: null,
          status: 'live',
          teams: [],
          score: {},
          startedAt: ts,
          endedAt: null,
        },
      ],
      events: [enriched(1, 0, ts), enriched(1, 1, ts + 5)],
      snapshots: [{ serverId: 'srv_aaaaaaaaaaaa', stateJson: '{"n":1}', position: '7' }],
    };
    await store.commit(write);
    // Redelivered (its events are stored already): the rest of the batch still commits.
    await store.commit({
      ...write,
      snapshots: [{ serverId: 'srv_aaaaaaaaaaaa', stateJson: '{"n":2}', position: '8' }],
      checkpoint: { stream: 't-redelivered', consumer: 'worker', offset: '8' },
    });
    const { rows } = await pool.query(
      'SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM game_events GROUP BY 1',
    );
    expect(rows).toEqual([{ part: partitionName(ts), n: 2 }]);
    const snapshots = await store.loadSnapshots(['srv_aaaaaaaaaaaa', 'srv_missing']);
    expect(snapshots.get('srv_aaaaaaaaaaaa')).toEqual({
      serverId: 'srv_aaaaaaaaaaaa',
      state: { n: 2 },
      position: '8',
    });
    expect(snapshots.has('srv_missing')).toBe(false);
    const offset = await pool.query(`SELECT "offset" FROM stream_offsets WHERE stream = 't-redelivered'`);
    expect(offset.rows[0].offset).toBe(8);
  });

  it('stores events of 50 long-past days in the default partition, making no partition outside the window, and finds them all', async () => {
    // Prepare: 50 events a day apart in 2020 (a replayed old log), one 3 days ahead, one yesterday
    const store = new PostgresEventStore(pool);
    const partitionsOf = async () => {
      const { rows } = await pool.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = 'game_events'::regclass ORDER BY 1`,
      );
      return rows.map((row) => row.name);
    };
    const before = await partitionsOf();
    const firstOldDay = Date.UTC(2020, 0, 1, 12);
    const at = (seq: number, ts: number): EnrichedEvent => ({
      ...enriched(seq, 0, ts),
      key: { server: 'srv_aaaaaaaaaaaa', session: 'old-days', seq, index: 0 },
    });
    // seq from 1001: the other tests here find their rows by seq.
    const oldEvents = Array.from({ length: 50 }, (_, day) => at(1001 + day, firstOldDay + day * 86_400_000));
    const yesterday = Date.now() - 86_400_000;
    const farAhead = Date.now() + (PARTITION_DAYS_AHEAD + 1) * 86_400_000;

    // Act: in two batches, as the worker would write them
    await store.commit({ ...emptyWrite(), events: oldEvents.slice(0, 25) });
    await store.commit({
      ...emptyWrite(),
      events: [...oldEvents.slice(25), at(1051, yesterday), at(1052, farAhead)],
    });

    // Assess: one new partition (yesterday's, within the window); the rest in the default one
    const after = await partitionsOf();
    expect(after.filter((name) => !before.includes(name))).toEqual(
      before.includes(partitionName(yesterday)) ? [] : [partitionName(yesterday)],
    );
    const { rows: placed } = await pool.query(
      `SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM game_events
        WHERE session = 'old-days' GROUP BY 1 ORDER BY 1`,
    );
    expect(placed).toEqual([
      { part: 'game_events_default', n: 51 },
      { part: partitionName(yesterday), n: 1 },
    ]);
    const { rows: found } = await pool.query(
      `SELECT count(*)::int AS n, min(ts) AS first, max(ts) AS last FROM game_events
        WHERE ts >= '2020-01-01' AND ts < '2020-03-01' AND session = 'old-days'`,
    );
    expect(found).toEqual([
      { n: 50, first: new Date(firstOldDay), last: new Date(firstOldDay + 49 * 86_400_000) },
    ]);
  });

  it('keeps tabs, newlines, backslashes and unicode intact through COPY', async () => {
    const store = new PostgresEventStore(pool);
    const ts = Date.UTC(2026, 4, 17, 14);
    const text = 'gg\twp\nline two \\ back\\slash "quoted" \u200bzero-width ñ';
    const chat: EnrichedEvent = {
      ...enriched(9, 0, ts),
      key: { server: 'srv_aaaaaaaaaaaa', session: 'tab\tsession\\x', seq: 9, index: 0 },
      event: { type: 'chat', ts, steamId: '76561198081484775', text, teamOnly: false },
    };
    await store.commit({ ...emptyWrite(), events: [chat] });
    const { rows } = await pool.query('SELECT session, payload FROM game_events WHERE seq = 9');
    expect(rows).toEqual([{ session: 'tab\tsession\\x', payload: chat.event }]);
  });

  it('stores positions compactly and gives them back, typed, through position_samples', async () => {
    const store = new PostgresEventStore(pool);
    const ts = Date.UTC(2026, 4, 17, 15);
    const positions: EnrichedEvent = {
      ...enriched(11, 0, ts),
      event: {
        type: 'positions',
        ts,
        tick: 640,
        players: [
          {
            steamId: '76561198081484775',
            pos: [-1703.36, 2108.5, -260],
            yaw: 90.5,
            health: 100,
            armor: 0,
            alive: true,
            weapon: 'ak47',
          },
          { steamId: 'BOT:Ava', pos: [0, 0, 0] },
        ],
      },
    };
    await store.commit({ ...emptyWrite(), events: [positions] });
    // A row stored in the earlier, unpacked form is read too.
    await pool.query(
      `INSERT INTO game_events (ts, server_id, session, seq, idx, match_id, round_number, type, phase, is_post_round, payload)
       VALUES (to_timestamp($1 / 1000.0), 'srv_aaaaaaaaaaaa', 's1', 12, 0, 'm1', 1, 'positions', 'live', false, $2)`,
      [
        ts + 125,
        JSON.stringify({
          type: 'positions',
          ts: ts + 125,
          p: [['76561198081484775', 1.5, -2, 30, null, 0, null, false, null]],
        }),
      ],
    );
    const { rows: stored } = await pool.query('SELECT payload FROM game_events WHERE seq = 11');
    expect(stored[0]?.payload).toMatchObject({
      p: [
        ['76561198081484775', 'ak47'],
        ['BOT:Ava', null],
      ],
      n: '[-1703.36,2108.5,-260,90.5,100,0,1,0,0,0,null,null,null,null]',
    });
    const { rows } = await pool.query(
      `SELECT seq, steam_id, x, y, z, yaw, health, armor, alive, weapon FROM position_samples
        WHERE match_id = 'm1' ORDER BY seq, steam_id`,
    );
    expect(rows).toEqual([
      {
        seq: 11,
        steam_id: '76561198081484775',
        x: -1703.36,
        y: 2108.5,
        z: -260,
        yaw: 90.5,
        health: 100,
        armor: 0,
        alive: true,
        weapon: 'ak47',
      },
      {
        seq: 11,
        steam_id: 'BOT:Ava',
        x: 0,
        y: 0,
        z: 0,
        yaw: null,
        health: null,
        armor: null,
        alive: null,
        weapon: null,
      },
      {
        seq: 12,
        steam_id: '76561198081484775',
        x: 1.5,
        y: -2,
        z: 30,
        yaw: null,
        health: 0,
        armor: null,
        alive: false,
        weapon: null,
      },
    ]);
  });

  it("writes a batch's matches, players and snapshots with quotes, backslashes and unicode intact", async () => {
    // Arrange: what players and teams are called is up to them
    const store = new PostgresEventStore(pool);
    const ts = Date.UTC(2026, 4, 17, 12);
    const name = `O'Brien \\ "the 'wall'" ☃ $1`;
    const teams = [{ id: 'A', name: `it's \\ "us"` }];
    const state = { names: { '76561198000000001': name }, note: 'a\nb' };
    const write: WorkerWrite = {
      ...emptyWrite(),
      matches: [
        {
          id: 'm-quotes',
          serverId: 'srv_aaaaaaaaaaaa',
          externalId: null,
          map: 'de_nuke',
          tag: `tag'\\`,
          status: 'live',
          teams,
          score: { [teams[0]!.name]: 1 },
          startedAt: ts,
          endedAt: null,
        },
      ],
      players: [{ steamId: '76561198000000001', name }],
      matchPlayers: [{ matchId: 'm-quotes', steamId: '76561198000000001', team: teams[0]!.name }],
      snapshots: [{ serverId: 'srv_quotes', stateJson: JSON.stringify(state), position: '7' }],
      checkpoint: { stream: 't-quotes', consumer: 'worker', offset: '7' },
    };

    // Act
    await store.commit(write);

    // Assess
    const match = await pool.query(`SELECT tag, teams, score FROM matches WHERE id = 'm-quotes'`);
    expect(match.rows[0]).toEqual({ tag: `tag'\\`, teams, score: { [teams[0]!.name]: 1 } });
    const player = await pool.query(`SELECT name FROM players WHERE steam_id = '76561198000000001'`);
    expect(player.rows[0].name).toBe(name);
    const team = await pool.query(`SELECT team FROM match_players WHERE match_id = 'm-quotes'`);
    expect(team.rows[0].team).toBe(teams[0]!.name);
    const snapshots = await store.loadSnapshots(['srv_quotes']);
    expect(snapshots.get('srv_quotes')).toEqual({ serverId: 'srv_quotes', state, position: '7' });
    const offset = await pool.query(`SELECT "offset" FROM stream_offsets WHERE stream = 't-quotes'`);
    expect(offset.rows[0].offset).toBe(7);
  });

  it('rolls the whole batch back when one write fails', async () => {
    const store = new PostgresEventStore(pool);
    const ts = Date.UTC(2026, 4, 17, 13);
    const bad = {
      ...emptyWrite(),
      events: [enriched(2, 0, ts)],
      // A round of a match that does not exist violates the foreign key.
      rounds: [
        {
          matchId: 'nope',
          number: 1,
          winnerSide: null,
          winnerTeam: null,
          reason: null,
          scoreAfter: {},
          startedAt: ts,
          endedAt: null,
        },
      ],
      checkpoint: { stream: 'raw-game-events', consumer: 'worker', offset: '99' },
    };
    await expect(store.commit(bad)).rejects.toThrow();
    const events = await pool.query('SELECT count(*)::int AS n FROM game_events WHERE seq = 2');
    const offsets = await pool.query(
      `SELECT count(*)::int AS n FROM stream_offsets WHERE stream = 'raw-game-events'`,
    );
    expect(events.rows[0].n).toBe(0);
    expect(offsets.rows[0].n).toBe(0);
  });

  it("flags the rounds and events stored before a batch that voids them, never the batch's own events", async () => {
    // Arrange: match m1 with round 1 and one event stored
    const store = new PostgresEventStore(pool);
    const ts = dayStart(Date.now()) + 13 * 3_600_000;
    const round = {
      matchId: 'm1',
      number: 1,
      winnerSide: null,
      winnerTeam: null,
      reason: null,
      scoreAfter: {},
      startedAt: ts,
      endedAt: ts + 1_000,
    };
    const match = {
      id: 'm1',
      serverId: 'srv_aaaaaaaaaaaa',
      externalId: null,
      map: 'de_ancient',
      tag: null,
      status: 'live',
      teams: [],
      score: {},
      startedAt: ts,
      endedAt: null,
    };
    await store.commit({ ...emptyWrite(), matches: [match], events: [enriched(40, 0, ts)], rounds: [round] });
    // Act: a batch that voids round 1 from after both events, with an event of its own
    await store.commit({
      ...emptyWrite(),
      events: [enriched(41, 0, ts + 10)],
      roundVoids: [{ matchId: 'm1', fromRound: 1, at: ts + 60_000 }],
      checkpoint: { stream: 't-voids', consumer: 'worker', offset: '41' },
    });
    // Assert: the stored event and the round are voided, the batch's own event is not
    const { rows } = await pool.query(
      `SELECT seq, coalesce((flags->>'voided')::boolean, false) AS voided FROM game_events
        WHERE seq IN (40, 41) ORDER BY seq`,
    );
    expect(rows).toEqual([
      { seq: 40, voided: true },
      { seq: 41, voided: false },
    ]);
    const rounds = await pool.query(`SELECT voided FROM rounds WHERE match_id = 'm1' AND number = 1`);
    expect(rounds.rows).toEqual([{ voided: true }]);
  });

  it('commits the next batch on the same connection after one whose statements failed together', async () => {
    // Arrange: one connection, so the second batch gets the client the failed one used
    const single = createPool(database.url, { max: 1 });
    const store = new PostgresEventStore(single);
    const ts = Date.UTC(2026, 4, 17, 14);
    const round = {
      matchId: 'missing-match',
      number: 1,
      winnerSide: null,
      winnerTeam: null,
      reason: null,
      scoreAfter: {},
      startedAt: ts,
      endedAt: null,
    };
    const snapshot = { serverId: 'srv_together0001', stateJson: '{"ok":true}', position: '3' };
    // Act: a failing round row among the statements sent together, then a good batch
    const failed = store.commit({
      ...emptyWrite(),
      events: [enriched(3, 0, ts)],
      rounds: [round],
      snapshots: [snapshot],
    });
    await expect(failed).rejects.toThrow(/foreign key/);
    await store.commit({ ...emptyWrite(), events: [enriched(3, 0, ts)], snapshots: [snapshot] });
    // Assert: only the second batch is stored, and the connection answers plain queries
    const { rows } = await single.query('SELECT count(*)::int AS n FROM game_events WHERE seq = 3');
    expect(rows[0].n).toBe(1);
    expect((await store.loadSnapshots(['srv_together0001'])).get('srv_together0001')?.state).toEqual({
      ok: true,
    });
    await single.end();
  });

  it('streams records in order to a consumer that resumes from its committed offset', async () => {
    const stream = new PostgresStream(pool);
    const payload = (n: number) => new Uint8Array([n]);
    await Promise.all(
      Array.from({ length: 30 }, (_, n) =>
        stream.put('t-order', [{ partitionKey: `k${n % 3}`, data: payload(n) }]),
      ),
    );
    const consumer = stream.consumer('t-order', 'c1');
    const firstBatch = await consumer.poll(10, 0);
    expect(firstBatch.map((r) => r.data[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await consumer.commit(firstBatch.at(-1)!);
    await consumer.poll(10, 0);
    consumer.rewind();
    const resumed = stream.consumer('t-order', 'c1');
    const again = await resumed.poll(100, 0);
    expect(again.map((r) => r.data[0])).toEqual(Array.from({ length: 20 }, (_, i) => i + 10));
    expect(again[0]?.partitionKey).toBe('k1');
    await stream.close();
  });

  it('hands committed records to its consumers, and reads the table across a gap or a rewind', async () => {
    // Arrange
    const stream = new PostgresStream(pool);
    const consumer = stream.consumer('t-handover', 'c1');
    const idle = stream.consumer('t-handover', 'never-polled');
    const put = (n: number) => stream.put('t-handover', [{ partitionKey: 'k', data: new Uint8Array([n]) }]);
    expect(await consumer.poll(10, 0)).toEqual([]);
    await put(0);
    await put(1);
    await put(2);
    const heldAfterPuts = consumer.handedRecords;

    // Act
    const handed = await consumer.poll(2, 0);
    const heldAfterPoll = consumer.handedRecords;
    // Another writer's row (say, a tool run beside geqo up): the hand-over no longer continues.
    await pool.query(
      `INSERT INTO stream_records (stream, partition_key, data) VALUES ('t-handover', 'other', '\\x63')`,
    );
    await put(3);
    const afterGap = await consumer.poll(10, 0);
    consumer.rewind();
    const rewound = await consumer.poll(10, 0);
    const fromTable = await stream.consumer('t-handover', 'fresh').poll(10, 0);

    // Assess
    expect(heldAfterPuts).toBe(3);
    // A consumer that does not read holds nothing.
    expect(idle.handedRecords).toBe(0);
    expect(handed.map((r) => r.data[0])).toEqual([0, 1]);
    expect(heldAfterPoll).toBe(1);
    expect(afterGap.map((r) => r.data[0])).toEqual([2, 99, 3]);
    expect(consumer.handedRecords).toBe(0);
    expect(rewound.map((r) => r.data[0])).toEqual([0, 1, 2, 99, 3]);
    const simple = (records: typeof fromTable) =>
      records.map(({ position, partitionKey, data }) => ({ position, partitionKey, data: [...data] }));
    expect(simple([...handed, ...afterGap])).toEqual(simple(fromTable));
    expect(simple(rewound)).toEqual(simple(fromTable));
    await stream.close();
  });

  it('hands a record its digest along, and a record read from the table has none', async () => {
    const stream = new PostgresStream(pool);
    const consumer = stream.consumer('t-digest', 'c1');
    expect(await consumer.poll(10, 0)).toEqual([]);
    const digest = new Uint8Array([7, 7]);

    await stream.put('t-digest', [{ partitionKey: 'k', data: new Uint8Array([1]), digest }]);
    const [handed] = await consumer.poll(10, 0);
    const [fromTable] = await stream.consumer('t-digest', 'fresh').poll(10, 0);

    expect(handed?.digest).toEqual(digest);
    expect(fromTable?.data).toEqual(Buffer.from([1]));
    expect(fromTable).not.toHaveProperty('digest');
    await stream.close();
  });

  it("stores a record's bytes out of line as they came, never compressing them a second time", async () => {
    const stream = new PostgresStream(pool);
    // 32 kB that pglz would shrink to almost nothing: what PostgreSQL did with each frame before.
    const data = new Uint8Array(32 * 1024).fill(0x61);

    await stream.put('t-external', [{ partitionKey: 'k', data }]);
    const stored = await pool.query<{ compression: string | null; bytes: number }>(
      `SELECT pg_column_compression(data) AS compression, octet_length(data) AS bytes
         FROM stream_records WHERE stream = 't-external'`,
    );
    const [read] = await stream.consumer('t-external', 'c1').poll(10, 0);

    expect(stored.rows).toEqual([{ compression: null, bytes: data.length }]);
    expect(read?.data).toEqual(Buffer.from(data));
    await stream.close();
  });

  it('keeps what it holds when it falls past its hold limit, and reads only what came after from the table', async () => {
    // Arrange: a consumer that may hold three records; every record carries a digest
    const stream = new PostgresStream(pool);
    const consumer = stream.consumer('t-hold-limit', 'c1', 3);
    expect(await consumer.poll(10, 0)).toEqual([]);
    const put = (n: number) =>
      stream.put('t-hold-limit', [
        { partitionKey: 'k', data: new Uint8Array([n]), digest: new Uint8Array([n]) },
      ]);
    const seen = (records: Awaited<ReturnType<typeof consumer.poll>>) =>
      records.map((r) => ({ data: r.data[0], digest: r.digest !== undefined }));

    // Act: two records past the limit, then the held ones taken, then one more
    for (const n of [0, 1, 2, 3, 4]) await put(n);
    const heldPastLimit = consumer.handedRecords;
    const behindPastLimit = consumer.recordsBehind();
    const held = await consumer.poll(10, 0);
    const gap = await consumer.poll(10, 0);
    const behindAfterReading = consumer.recordsBehind();
    await put(5);
    const caughtUp = await consumer.poll(10, 0);

    // Assess: the held three come from memory (digests), the two past the limit from the table
    expect(heldPastLimit).toBe(3);
    // What it did not hold counts as unread too (the statistics job holds off on it).
    expect(behindPastLimit).toBe(5);
    expect(behindAfterReading).toBe(0);
    expect(seen(held)).toEqual([0, 1, 2].map((data) => ({ data, digest: true })));
    expect(seen(gap)).toEqual([3, 4].map((data) => ({ data, digest: false })));
    expect(seen(caughtUp)).toEqual([{ data: 5, digest: true }]);
    await stream.close();
  });

  it('tells its owner when it stops keeping what is handed over past its hold limit, and when it keeps it again', async () => {
    // Arrange: a consumer that may hold three records, reading
    const stream = new PostgresStream(pool);
    const consumer = stream.consumer('t-hold-signal', 'c1', 3);
    const changes: boolean[] = [];
    consumer.onHandOverChange = (taking) => changes.push(taking);
    expect(await consumer.poll(10, 0)).toEqual([]);
    const put = (n: number) =>
      stream.put('t-hold-signal', [{ partitionKey: 'k', data: new Uint8Array([n]) }]);

    // Act: past the limit, then what was held and what was not taken, then one more record
    for (const n of [0, 1, 2, 3, 4]) await put(n);
    const pastLimit = [...changes];
    await consumer.poll(10, 0);
    await consumer.poll(10, 0);
    const whileReadingTable = [...changes];
    await put(5);

    // Assess: one change each way, and none while it read the table
    expect(pastLimit).toEqual([false]);
    expect(whileReadingTable).toEqual([false]);
    expect(changes).toEqual([false, true]);
    await stream.close();
  });

  it('commits and resolves puts even when an append listener throws', async () => {
    const stream = new PostgresStream(pool);
    stream.appended.on('append', () => {
      throw new Error('a relay that failed');
    });

    await stream.put('t-listener', [{ partitionKey: 'k', data: new Uint8Array([1]) }]);
    await stream.put('t-listener', [{ partitionKey: 'k', data: new Uint8Array([2]) }]);

    const records = await stream.consumer('t-listener', 'c1').poll(10, 0);
    expect(records.map((r) => r.data[0])).toEqual([1, 2]);
    await stream.close();
  });

  it('wakes a waiting consumer as soon as a record is appended', async () => {
    const stream = new PostgresStream(pool);
    const consumer = stream.consumer('t-wake', 'c1');
    const started = Date.now();
    const polled = consumer.poll(10, 5_000);
    await stream.put('t-wake', [{ partitionKey: 'k', data: new Uint8Array([42]) }]);
    const records = await polled;
    expect(records.map((r) => r.data[0])).toEqual([42]);
    expect(Date.now() - started).toBeLessThan(4_000);
    await stream.close();
  });
});
