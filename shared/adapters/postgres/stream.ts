import { EventEmitter } from 'node:events';
import type pg from 'pg';
import type { ConsumedRecord, StreamConsumer, StreamProducer, StreamRecord } from '../../ports/index.ts';

interface PendingPut {
  stream: string;
  records: readonly StreamRecord[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The local durable stream: an append-only `stream_records` table. Puts are group-committed:
 * while one INSERT is in flight the next puts queue up and go in the following one, so many
 * connections share few round trips, and each put resolves only after its rows are committed.
 *
 * There is exactly one writer (this object) per database, so ids are assigned and committed in
 * the same order and a consumer reading `id > offset` never skips a late-committing row.
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
        const streams: string[] = [];
        const keys: string[] = [];
        const data: Buffer[] = [];
        for (const put of batch) {
          for (const record of put.records) {
            streams.push(put.stream);
            keys.push(record.partitionKey);
            data.push(Buffer.from(record.data.buffer, record.data.byteOffset, record.data.byteLength));
          }
        }
        try {
          await this.pool.query(
            `INSERT INTO stream_records (stream, partition_key, data)
             SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[])`,
            [streams, keys, data],
          );
          for (const put of batch) put.resolve();
          for (const stream of new Set(streams)) this.appended.emit('append', stream);
        } catch (error) {
          for (const put of batch) put.reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Pending puts, for draining on shutdown. */
  get inFlight(): number {
    return this.pending.length + (this.flushing ? 1 : 0);
  }

  consumer(stream: string, consumer: string): PostgresStreamConsumer {
    return new PostgresStreamConsumer(this.pool, stream, consumer, this.appended);
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

/**
 * Reads one stream for one named consumer from its committed offset. `commit` stores the offset
 * on its own; the worker instead commits it inside its write transaction (see `offsetOf`).
 */
export class PostgresStreamConsumer implements StreamConsumer {
  private position: number | undefined;

  constructor(
    private readonly pool: pg.Pool,
    readonly stream: string,
    readonly name: string,
    private readonly appended: EventEmitter,
  ) {}

  /** Forgets what was polled but not committed: the next poll starts at the committed offset. */
  rewind(): void {
    this.position = undefined;
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
    let records = await this.read(maxRecords);
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
      records = await this.read(maxRecords);
    }
    const last = records.at(-1);
    if (last) this.position = Number(last.position);
    return records;
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
    return rows.map((row) => ({
      stream: this.stream,
      shard: 'local',
      position: String(row.id),
      partitionKey: row.partition_key,
      data: row.data,
      arrivedAt: row.arrived,
    }));
  }

  async commit(record: ConsumedRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO stream_offsets (stream, consumer, "offset", updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (stream, consumer) DO UPDATE SET "offset" = EXCLUDED."offset", updated_at = now()`,
      [this.stream, this.name, record.position],
    );
  }

  async close(): Promise<void> {}
}
