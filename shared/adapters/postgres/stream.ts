import { EventEmitter } from 'node:events';
import type pg from 'pg';
import type { ConsumedRecord, StreamConsumer, StreamProducer, StreamRecord } from '../../ports/index.ts';

interface PendingPut {
  stream: string;
  records: readonly StreamRecord[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** A record as the table holds it, once committed. */
export interface CommittedRecord {
  id: number;
  partitionKey: string;
  data: Uint8Array;
  /** `created_at`, epoch ms. */
  arrivedAt: number;
  /** The record's digest, if it came with one (never stored). */
  digest?: Uint8Array;
}

/**
 * Records the writer has just committed on one stream, in id order, with `after`: the newest id
 * on that stream a reader could see before them. A consumer whose position is `after` can take
 * them as its next records without reading them back (see {@link PostgresStreamConsumer}).
 */
export interface CommittedRecords {
  stream: string;
  after: number;
  records: CommittedRecord[];
}

/**
 * The `append` event of {@link PostgresStream.appended}: the stream's name, and what was
 * committed on it when the writer is in this process (another thread relays only the name).
 */
export type AppendListener = (stream: string, committed?: CommittedRecords) => void;

/**
 * One group commit of `rows` records: the rows go in; each comes back with its id, and with the
 * newest id already on its stream below it as this statement sees the table (rows of the same
 * statement are not visible to it, so every row of a stream gets the id before the batch).
 * One `VALUES` row per record, so each record's bytes travel as a binary parameter (a `bytea[]`
 * parameter would go as hex text, twice the size, encoded here and parsed there).
 */
function appendSql(rows: number): string {
  const values = Array.from({ length: rows }, (_, i) => `($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3})`);
  return `
WITH added AS (
  INSERT INTO stream_records (stream, partition_key, data) VALUES ${values.join(', ')}
  RETURNING id, stream, created_at
)
SELECT a.id, a.stream, (extract(epoch from a.created_at) * 1000)::float8 AS arrived,
       coalesce((SELECT max(r.id) FROM stream_records r WHERE r.stream = a.stream AND r.id < a.id), 0) AS before
  FROM added a ORDER BY a.id`;
}

/**
 * The local durable stream: an append-only `stream_records` table. Puts are group-committed:
 * while one INSERT is in flight the next puts queue up and go in the following one, so many
 * connections share few round trips, and each put resolves only after its rows are committed.
 *
 * There is exactly one writer (this object) per database, so ids are assigned and committed in
 * the same order and a consumer reading `id > offset` never skips a late-committing row.
 *
 * After each commit, `appended` emits `append` with the stream and the committed records
 * ({@link AppendListener}): a consumer in the same process, or in a thread the records are
 * relayed to, takes them from there instead of reading them back from the table.
 */
export class PostgresStream implements StreamProducer {
  private readonly pending: PendingPut[] = [];
  private flushing = false;
  private closed = false;
  /** Emits `append` with the stream name after each commit, so local consumers wake at once. */
  readonly appended = new EventEmitter();

  constructor(
    private readonly pool: pg.Pool,
    private readonly maxRecordsPerInsert = 2_000,
  ) {
    this.appended.setMaxListeners(100);
  }

  put(stream: string, records: readonly StreamRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('stream closed'));
    if (records.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.pending.push({ stream, records, resolve, reject });
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch: PendingPut[] = [];
        let count = 0;
        while (this.pending.length > 0 && (batch.length === 0 || count < this.maxRecordsPerInsert)) {
          const next = this.pending.shift()!;
          batch.push(next);
          count += next.records.length;
        }
        const records: StreamRecord[] = [];
        const params: (string | Buffer)[] = [];
        for (const put of batch) {
          for (const record of put.records) {
            const bytes = Buffer.from(record.data.buffer, record.data.byteOffset, record.data.byteLength);
            records.push({ ...record, data: bytes });
            params.push(put.stream, record.partitionKey, bytes);
          }
        }
        let rows: { id: number; stream: string; arrived: number; before: number }[];
        try {
          ({ rows } = await this.pool.query(appendSql(records.length), params));
        } catch (error) {
          for (const put of batch) put.reject(error);
          continue;
        }
        for (const put of batch) put.resolve();
        this.announce(rows, records);
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * Emits `append` once per stream of a commit, with its records. The ids come back in insert
   * order (ids are drawn as the rows are inserted), which is the order of `records`.
   */
  private announce(
    rows: readonly { id: number; stream: string; arrived: number; before: number }[],
    records: readonly StreamRecord[],
  ): void {
    const committed = new Map<string, CommittedRecords>();
    rows.forEach((row, i) => {
      let group = committed.get(row.stream);
      if (!group) {
        group = { stream: row.stream, after: row.before, records: [] };
        committed.set(row.stream, group);
      }
      const { partitionKey, data, digest } = records[i]!;
      group.records.push({
        id: row.id,
        partitionKey,
        data,
        arrivedAt: row.arrived,
        ...(digest ? { digest } : {}),
      });
    });
    for (const group of committed.values()) {
      try {
        this.appended.emit('append', group.stream, group);
      } catch {
        // A listener's failure is its own: the records are committed, and readers find them in
        // the table. It must not stop the writer.
      }
    }
  }

  /** Pending puts, for draining on shutdown. */
  get inFlight(): number {
    return this.pending.length + (this.flushing ? 1 : 0);
  }

  /** `holdLimit`: the records it may hold from the hand-over (the default suits `geqo up`). */
  consumer(stream: string, consumer: string, holdLimit?: number): PostgresStreamConsumer {
    return new PostgresStreamConsumer(this.pool, stream, consumer, this.appended, holdLimit);
  }

  /** Deletes records every consumer has committed and that are older than `retentionMs`. */
  async trim(stream: string, retentionMs: number): Promise<number> {
    const result = await this.pool.query(
      `DELETE FROM stream_records WHERE stream = $1
         AND created_at < now() - make_interval(secs => $2::float8 / 1000)
         AND id <= (SELECT coalesce(min("offset"), 0) FROM stream_offsets WHERE stream = $1)`,
      [stream, retentionMs],
    );
    return result.rowCount ?? 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.inFlight > 0) await new Promise((r) => setTimeout(r, 5));
  }
}

/** Committed records a consumer may hold in memory before it reads from the table instead. */
const MAX_HANDED_RECORDS = 2_000;

/**
 * Reads one stream for one named consumer from its committed offset. `commit` stores the offset
 * on its own; the worker instead commits it inside its write transaction (see `offsetOf`).
 *
 * Records the writer hands over with `append` ({@link CommittedRecords}) are kept while the
 * consumer reads (from its first poll, until a rewind), as long as each group follows the one
 * before. A poll takes them when they start right after its position, and reads the table
 * otherwise (at start-up, after a rewind, after a gap the hand-over missed, or when it fell so
 * far behind that it stopped keeping them). Either way it returns the same records: the
 * table's, in id order, from its position on.
 */
export class PostgresStreamConsumer implements StreamConsumer {
  private position: number | undefined;
  private handed: CommittedRecords[] = [];
  private handedCount = 0;
  /** A group was left to the table for the limit: nothing more is held until the held are taken. */
  private full = false;
  /**
   * Told when the consumer stops keeping what the writer hands over (`false`: it fell past its
   * hold limit and reads the table) and when it keeps it again (`true`), so the writer's side can
   * leave out what only a held record uses: in `geqo up`, ingest's frame digests, which are made
   * on the main thread and would be dropped unread.
   */
  onHandOverChange: ((taking: boolean) => void) | undefined;
  /** Ids of each group the writer committed on this stream, while a poll has not passed them. */
  private unread: number[][] = [];
  private readonly onAppend: AppendListener = (stream, committed) => {
    if (stream !== this.stream || !committed) return;
    if (this.position !== undefined) this.unread.push(committed.records.map((record) => record.id));
    this.keep(committed);
  };

  constructor(
    private readonly pool: pg.Pool,
    readonly stream: string,
    readonly name: string,
    private readonly appended: EventEmitter,
    private readonly holdLimit = MAX_HANDED_RECORDS,
  ) {
    appended.on('append', this.onAppend);
  }

  /** Forgets what was polled but not committed: the next poll starts at the committed offset. */
  rewind(): void {
    this.position = undefined;
    this.drop();
  }

  /** Records held from the writer (what the tests look at). */
  get handedRecords(): number {
    return this.handedCount;
  }

  /**
   * Records the writer committed that this consumer has not read yet, held or not (past the hold
   * limit too); 0 before its first poll. After a rewind it counts only what came after.
   */
  recordsBehind(): number {
    this.forgetRead();
    const position = this.position ?? Number.POSITIVE_INFINITY;
    let count = 0;
    for (const ids of this.unread) count += ids.filter((id) => id > position).length;
    return count;
  }

  private forgetRead(): void {
    const position = this.position;
    if (position === undefined) this.unread = [];
    else while ((this.unread[0]?.at(-1) ?? Number.POSITIVE_INFINITY) <= position) this.unread.shift();
  }

  /** Records handed over that continue from the position: a poll takes them without a query. */
  waiting(): number {
    return this.position !== undefined && this.handed[0]?.after === this.position ? this.handedCount : 0;
  }

  private keep(committed: CommittedRecords): void {
    // Not reading (never polled, or rewound): the next poll starts from the table anyway.
    if (this.position === undefined) return;
    // Too far behind: what is held stays (a poll takes it), what comes after it is read from the
    // table, and holding starts again once the held records are taken. Dropping what is held
    // instead would make a consumer that fell behind read and decode all of it again, and fall
    // further behind.
    if (this.full && this.handedCount > 0) return;
    this.setFull(false);
    const last = this.handed.at(-1);
    if (last !== undefined && last.records.at(-1)?.id !== committed.after) {
      // Not a continuation (another writer's row came in between): the table has them.
      this.drop();
      return;
    }
    if (this.handedCount + committed.records.length > this.holdLimit) {
      this.setFull(true);
      return;
    }
    this.handed.push(committed);
    this.handedCount += committed.records.length;
  }

  private drop(): void {
    this.handed = [];
    this.handedCount = 0;
    this.setFull(false);
  }

  private setFull(full: boolean): void {
    if (full === this.full) return;
    this.full = full;
    try {
      this.onHandOverChange?.(!full);
    } catch {
      // The listener's failure is its own: holding goes on as before.
    }
  }

  async committedOffset(): Promise<number> {
    const { rows } = await this.pool.query<{ offset: number }>(
      'SELECT "offset" FROM stream_offsets WHERE stream = $1 AND consumer = $2',
      [this.stream, this.name],
    );
    return rows[0]?.offset ?? 0;
  }

  /** The id of the newest record on the stream (0 when empty). */
  async headOffset(): Promise<number> {
    const { rows } = await this.pool.query<{ head: number | null }>(
      'SELECT max(id) AS head FROM stream_records WHERE stream = $1',
      [this.stream],
    );
    return rows[0]?.head ?? 0;
  }

  async poll(maxRecords: number, waitMs: number): Promise<ConsumedRecord[]> {
    if (this.position === undefined) this.position = await this.committedOffset();
    let records = await this.next(maxRecords);
    if (records.length === 0 && waitMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, waitMs);
        const onAppend = (stream: string) => {
          if (stream === this.stream) done();
        };
        function done() {
          clearTimeout(timer);
          appended.off('append', onAppend);
          resolve();
        }
        const appended = this.appended;
        appended.on('append', onAppend);
      });
      records = await this.next(maxRecords);
    }
    const last = records.at(-1);
    if (last) this.position = Number(last.position);
    this.forgetRead();
    return records;
  }

  /** The next records after the position: from the hand-over when it continues there, else read. */
  private async next(maxRecords: number): Promise<ConsumedRecord[]> {
    const position = this.position ?? 0;
    // What the position is already past is of no use.
    while (this.handed.length > 0) {
      const group = this.handed[0]!;
      const kept = group.records.filter((record) => record.id > position);
      if (kept.length === group.records.length) break;
      this.handedCount -= group.records.length - kept.length;
      if (kept.length === 0) this.handed.shift();
      else this.handed[0] = { ...group, after: position, records: kept };
    }
    if (this.handed[0]?.after !== position) return this.read(maxRecords);
    const taken: ConsumedRecord[] = [];
    while (taken.length < maxRecords && this.handed.length > 0) {
      const group: CommittedRecords = this.handed[0]!;
      const room = maxRecords - taken.length;
      const part = group.records.length <= room ? group.records : group.records.slice(0, room);
      for (const record of part) taken.push(this.consumed(record));
      this.handedCount -= part.length;
      if (part.length === group.records.length) this.handed.shift();
      else this.handed[0] = { ...group, after: part.at(-1)!.id, records: group.records.slice(part.length) };
    }
    return taken;
  }

  private consumed(record: CommittedRecord): ConsumedRecord {
    return {
      stream: this.stream,
      shard: 'local',
      position: String(record.id),
      partitionKey: record.partitionKey,
      data: record.data,
      arrivedAt: record.arrivedAt,
      ...(record.digest ? { digest: record.digest } : {}),
    };
  }

  private async read(maxRecords: number): Promise<ConsumedRecord[]> {
    const { rows } = await this.pool.query<{
      id: number;
      partition_key: string;
      data: Buffer;
      arrived: number;
    }>(
      `SELECT id, partition_key, data, (extract(epoch from created_at) * 1000)::float8 AS arrived
         FROM stream_records WHERE stream = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [this.stream, this.position, maxRecords],
    );
    return rows.map((row) =>
      this.consumed({ id: row.id, partitionKey: row.partition_key, data: row.data, arrivedAt: row.arrived }),
    );
  }

  async commit(record: ConsumedRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO stream_offsets (stream, consumer, "offset", updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (stream, consumer) DO UPDATE SET "offset" = EXCLUDED."offset", updated_at = now()`,
      [this.stream, this.name, record.position],
    );
  }

  async close(): Promise<void> {
    this.appended.off('append', this.onAppend);
    this.drop();
  }
}
