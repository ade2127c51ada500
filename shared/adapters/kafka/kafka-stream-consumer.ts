import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Consumer, type Message, type MessagesStream } from '@platformatic/kafka';
import {
  type ConsumedRecord,
  type Metrics,
  type PartitionOwnership,
  PartitionsReassignedError,
  type StreamCheckpoint,
  type StreamConsumer,
} from '../../ports/index.ts';
import { kafkaConnectionOptions, type MskIamAuth } from './kafka-connection.ts';
import { Wakeup } from './wakeup.ts';

export interface KafkaStreamConsumerOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: string[];
  /** The topic (= stream name). */
  stream: string;
  /** The consumer group: committed offsets belong to it. */
  group: string;
  clientId?: string;
  /** How long a fetch waits on the broker for data (default 250 ms). */
  maxWaitTimeMs?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Fetched records held before fetching pauses (default 5,000). */
  maxBuffered?: number;
  /** MSK with IAM access control; unset for a plain broker. */
  iam?: MskIamAuth;
  /**
   * Where `stream_consumer_lag_records{stream,partition}` (a gauge, when the sink has gauges) and
   * `stream_rebalances_total{stream}` go.
   */
  metrics?: Metrics;
  /** How often the lag gauges are refreshed while the consumer is open (default 5 s). */
  lagRefreshMs?: number;
  /**
   * Partition ownership in the worker's database (the workers of `geqo up`). With it, this member
   * takes every partition the group assigns it (raising its epoch) and reads each from the offset
   * stored there; `checkpointFor(record)` gives the offsets to commit in the batch's own transaction,
   * each under the epoch taken. See "Fenced mode" below.
   */
  ownership?: PartitionOwnership;
  /** This member's name in the ownership table (default: client id, host, process id). */
  owner?: string;
}

type KafkaMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/**
 * Reads a Kafka topic as one member of a consumer group, for `geqo up --stream kafka` (on MSK the
 * worker Lambda's event source mapping does this job).
 *
 * Fetched messages are buffered and handed out by `poll`. Nothing is committed automatically:
 * `commit(record)` commits, through the group, every partition's offset up to the last record
 * polled before and including `record` (a batch spans partitions, and the worker commits only its
 * last record). `rewind()` closes the fetch stream and drops the buffer; the next poll opens a new
 * one from the group's committed offsets (the earliest offset when there are none). Positions are
 * offsets, shards are `<topic>-<partition>`. The member joins the group once and stays in it
 * across rewinds (a rewind that rejoined would make the whole group rebalance); `close()` leaves it.
 *
 * **Fenced mode** (with `ownership`). The worker's database, not the group, is the truth of where
 * each partition stands. Whenever the fetch stream opens (the first poll, after each rewind and
 * each rebalance) the member takes its assigned partitions, which raises their epochs, and seeks
 * each to the offset stored with the last batch written for it (else the group's committed offset,
 * else the earliest). A rebalance drops the stream and every fetched record at once; if records
 * were handed out since the last rewind, polls throw {@link PartitionsReassignedError} until
 * `rewind()`, so the caller drops the state it built from them first. `commit(record)` then only
 * copies the offsets to the group (for lag metrics), and never fails the caller.
 */
export class KafkaStreamConsumer implements StreamConsumer {
  private readonly consumer: Consumer;
  private messages: MessagesStream<Buffer, Buffer, Buffer, Buffer> | null = null;
  private opening: Promise<void> | null = null;
  /** The stream `rewind()` is closing; the next one opens after it is closed. */
  private closing: Promise<void> = Promise.resolve();
  private buffer: KafkaMessage[] = [];
  /** Handed out since the last commit or rewind; `epoch`: the one held when fetched (fenced mode). */
  private uncommitted: { partition: number; offset: bigint; epoch: number }[] = [];
  private readonly wakeup = new Wakeup();
  private failure: Error | null = null;
  /** Counts rewinds, so a stream that finishes opening after one is closed, not used. */
  private generation = 0;
  private lagTimer: NodeJS.Timeout | null = null;
  private lagRefresh: Promise<void> | null = null;
  /** Partitions this member has reported a lag for (the ones it was last assigned). */
  private readonly lagReported = new Set<number>();
  /** Fenced mode: the epoch taken for each partition the open stream reads. */
  private held = new Map<number, number>();
  private joined: Promise<void> | null = null;
  /** Fenced mode: an open has begun taking the assignment, or a stream reads it. */
  private claiming = false;
  /** Records were handed out since the last rewind. */
  private handedOut = false;
  /** Fenced mode: a rebalance came after records were handed out; polls throw until `rewind()`. */
  private reassigned = false;
  private readonly owner: string;

  constructor(private readonly options: KafkaStreamConsumerOptions) {
    this.consumer = new Consumer({
      clientId: options.clientId ?? `geqo-${options.group}`,
      groupId: options.group,
      bootstrapBrokers: options.brokers,
      maxWaitTime: options.maxWaitTimeMs ?? 250,
      sessionTimeout: options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: options.heartbeatIntervalMs ?? 1_000,
      autocommit: false,
      ...kafkaConnectionOptions(options.iam),
    });
    // The client emits a join after every completed join + sync: the first one, and one for each
    // rebalance after (a member came, left or died), each with this member's new assignment.
    this.consumer.on('consumer:group:join', () => {
      options.metrics?.count('stream_rebalances', 1, { stream: options.stream });
      void this.refreshLag();
      if (options.ownership) {
        // The fetch stream would go on from its own positions: drop it and everything fetched, so
        // the next open takes the new assignment and seeks to the stored offsets.
        // (An open still joining reads the new assignment anyway: only one past its take is stale.)
        if (this.handedOut) this.reassigned = true;
        if (this.messages !== null || this.claiming) this.dropStream();
        this.wakeup.wake();
      }
    });
    this.owner =
      options.owner ??
      `${options.clientId ?? 'geqo'}@${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
  }

  async poll(maxRecords: number, waitMs: number): Promise<ConsumedRecord[]> {
    if (this.reassigned) throw new PartitionsReassignedError();
    await this.open();
    if (this.buffer.length === 0 && waitMs > 0 && !this.failure) {
      await this.wakeup.wait(waitMs);
    }
    if (this.failure) {
      const failure = this.failure;
      this.failure = null;
      this.rewind();
      throw failure;
    }
    if (this.reassigned) throw new PartitionsReassignedError();
    const taken = this.buffer.splice(0, maxRecords);
    if (taken.length > 0) this.handedOut = true;
    if (this.messages?.isPaused() && this.buffer.length < this.maxBuffered / 2) this.messages.resume();
    for (const message of taken)
      this.uncommitted.push({
        partition: message.partition,
        offset: message.offset,
        epoch: this.held.get(message.partition) ?? 0,
      });
    return taken.map((message) => ({
      stream: this.options.stream,
      shard: `${message.topic}-${message.partition}`,
      position: message.offset.toString(),
      partitionKey: message.key ? message.key.toString('utf8') : '',
      data: message.value ?? Buffer.alloc(0),
      arrivedAt: Number(message.timestamp),
    }));
  }

  rewind(): void {
    this.reassigned = false;
    this.handedOut = false;
    this.dropStream();
  }

  /** Closes the fetch stream and forgets what it fetched; the next poll opens a new one. */
  private dropStream(): void {
    this.generation += 1;
    this.claiming = false;
    const messages = this.messages;
    this.messages = null;
    this.opening = null;
    this.buffer = [];
    this.uncommitted = [];
    if (messages) this.closing = discard(messages);
  }

  /**
   * Fenced mode: the positions to commit in the worker's transaction once everything polled up to
   * and including `record` is written, each partition under the epoch this member took for it.
   * Undefined otherwise (the group's commit is the checkpoint then).
   */
  checkpointFor(record: ConsumedRecord): StreamCheckpoint | undefined {
    if (!this.options.ownership) return undefined;
    const index = this.indexOf(record);
    // Each partition under the epoch held when its records were fetched. A record this member
    // cannot vouch for (polled before a rebalance or rewind) gets epoch 0, which no row has: the
    // batch is refused, and read again.
    const epochs = new Map<number, number>([[partitionOf(record), 0]]);
    for (const polled of this.uncommitted.slice(0, index + 1)) epochs.set(polled.partition, polled.epoch);
    const next = this.nextOffsets(record, index);
    return {
      stream: this.options.stream,
      consumer: this.options.group,
      partitions: [...next].map(([partition, nextOffset]) => ({
        partition,
        epoch: epochs.get(partition) ?? 0,
        nextOffset: nextOffset.toString(),
      })),
    };
  }

  async commit(record: ConsumedRecord): Promise<void> {
    const index = this.indexOf(record);
    const next = this.nextOffsets(record, index);
    if (this.options.ownership) {
      // The offsets are committed already, with the batch. This copy is for lag metrics only: it
      // never fails the caller, and is skipped for records polled before the last rewind.
      if (index < 0) return;
      this.uncommitted.splice(0, index + 1);
      await this.commitToGroup(next).catch(() =>
        this.options.metrics?.count('stream_group_commit_failures', 1, { stream: this.options.stream }),
      );
      return;
    }
    await this.commitToGroup(next);
    if (index >= 0) this.uncommitted.splice(0, index + 1);
  }

  private indexOf(record: ConsumedRecord): number {
    const partition = partitionOf(record);
    const offset = BigInt(record.position);
    return this.uncommitted.findIndex((polled) => polled.partition === partition && polled.offset === offset);
  }

  /** The next offset to read per partition, once everything polled up to `record` (at `index`) is done. */
  private nextOffsets(record: ConsumedRecord, index: number): Map<number, bigint> {
    const covered =
      index >= 0
        ? this.uncommitted.slice(0, index + 1)
        : [{ partition: partitionOf(record), offset: BigInt(record.position) }];
    const next = new Map<number, bigint>();
    for (const polled of covered) next.set(polled.partition, polled.offset + 1n);
    return next;
  }

  private async commitToGroup(next: Map<number, bigint>): Promise<void> {
    // Kafka commits the offset of the next record to read, hence `+ 1`. The leader epoch is left
    // unknown (-1): the broker then skips its fencing check, which a single reader does not need.
    await this.consumer.commit({
      offsets: [...next].map(([p, nextOffset]) => ({
        topic: this.options.stream,
        partition: p,
        offset: nextOffset,
        leaderEpoch: -1,
      })),
    });
  }

  /** The group's committed offsets (the next offset to read) per partition; -1 where none. */
  async committedOffsets(): Promise<bigint[]> {
    const offsets = await this.consumer.listCommittedOffsets({
      topics: [{ topic: this.options.stream, partitions: await this.partitions() }],
    });
    return offsets.get(this.options.stream) ?? [];
  }

  async close(): Promise<void> {
    if (this.lagTimer) clearInterval(this.lagTimer);
    this.lagTimer = null;
    await this.lagRefresh;
    this.rewind();
    await this.closing;
    await this.consumer.close(true);
  }

  /**
   * Sets `stream_consumer_lag_records{stream,partition}` for each partition assigned to this
   * member: the high watermark (the offset the next write gets) minus the group's committed offset,
   * or minus the earliest offset where the group has committed nothing (so all of it is lag). A
   * partition taken away by a rebalance is set to 0 here, its new owner reports it: summed over
   * the members, the gauges give the group's lag. A failed refresh is counted
   * (`stream_consumer_lag_refresh_failures_total`) and the next one tries again.
   */
  private refreshLag(): Promise<void> {
    const metrics = this.options.metrics;
    if (!metrics?.gauge || this.consumer.closed) return Promise.resolve();
    this.lagRefresh ??= this.measureLag(metrics)
      .catch(() => metrics.count('stream_consumer_lag_refresh_failures', 1, { stream: this.options.stream }))
      .finally(() => {
        this.lagRefresh = null;
      });
    return this.lagRefresh;
  }

  private async measureLag(metrics: Metrics): Promise<void> {
    const stream = this.options.stream;
    const setLag = (partition: number, lag: bigint) =>
      metrics.gauge?.('stream_consumer_lag_records', Number(lag), { stream, partition: String(partition) });
    const assigned =
      this.consumer.assignments?.find((assignment) => assignment.topic === stream)?.partitions ?? [];
    for (const partition of this.lagReported) {
      if (assigned.includes(partition)) continue;
      setLag(partition, 0n);
      this.lagReported.delete(partition);
    }
    if (assigned.length === 0) return;
    const [latest, earliest, committed] = await Promise.all([
      this.consumer.listOffsets({ topics: [stream] }),
      this.consumer.listOffsets({ topics: [stream], timestamp: EARLIEST_OFFSET }),
      this.consumer.listCommittedOffsets({ topics: [{ topic: stream, partitions: assigned }] }),
    ]);
    for (const partition of assigned) {
      const highWatermark = latest.get(stream)?.[partition];
      if (highWatermark === undefined) continue;
      const next = committed.get(stream)?.[partition] ?? -1n;
      const from = next >= 0n ? next : (earliest.get(stream)?.[partition] ?? 0n);
      setLag(partition, highWatermark > from ? highWatermark - from : 0n);
      this.lagReported.add(partition);
    }
  }

  private get maxBuffered(): number {
    return this.options.maxBuffered ?? 5_000;
  }

  private async partitions(): Promise<number[]> {
    const metadata = await this.consumer.metadata({ topics: [this.options.stream] });
    const count = metadata.topics.get(this.options.stream)?.partitionsCount ?? 0;
    return Array.from({ length: count }, (_, i) => i);
  }

  /** Joins the group and starts fetching, once per rewind. */
  private async open(): Promise<void> {
    if (this.messages) return;
    this.opening ??= this.startStream();
    const opening = this.opening;
    try {
      await opening;
    } finally {
      if (this.opening === opening) this.opening = null;
    }
  }

  private async startStream(): Promise<void> {
    const generation = this.generation;
    await this.closing;
    await this.join();
    if (generation !== this.generation) return;
    this.claiming = true;
    const offsets = this.options.ownership ? await this.claimAssigned() : undefined;
    if (generation !== this.generation) return;
    const messages = await this.consumer.consume({
      topics: [this.options.stream],
      ...(offsets ? { mode: 'manual', offsets } : { mode: 'committed' }),
      fallbackMode: 'earliest',
      autocommit: false,
    });
    if (generation !== this.generation) {
      await discard(messages);
      return;
    }
    const held = this.held;
    messages.on('data', (message: KafkaMessage) => {
      if (offsets && !held.has(message.partition)) return;
      this.buffer.push(message);
      if (this.buffer.length >= this.maxBuffered) messages.pause();
      this.wakeup.wake();
    });
    messages.on('error', (error: Error) => {
      this.failure = error;
      this.wakeup.wake();
    });
    this.messages = messages;
    if (this.options.metrics?.gauge && !this.lagTimer) {
      this.lagTimer = setInterval(() => void this.refreshLag(), this.options.lagRefreshMs ?? 5_000);
      this.lagTimer.unref();
    }
  }

  /**
   * Joins the group once, with the topic tracked for the member's whole life: the fetch streams
   * opened after it then never rejoin (each join of the leader would rebalance the group).
   */
  private join(): Promise<void> {
    this.joined ??= (async () => {
      this.consumer.topics.track(this.options.stream);
      await this.consumer.joinGroup({});
    })().catch((error: unknown) => {
      this.consumer.topics.untrack(this.options.stream);
      this.joined = null;
      throw error;
    });
    return this.joined;
  }

  /**
   * Fenced mode: takes the partitions assigned now (raising their epochs, waiting for a batch of
   * an earlier holder still committing) and returns where to read each: the offset stored with the
   * last batch written for it, else the group's committed offset; a partition with neither is left
   * to the stream's fallback, the earliest offset. If the group rebalances meanwhile, the stream
   * opened after it is dropped (the join handler moves the generation on) and the next open takes
   * the new assignment.
   *
   * Why a worker can never write on stale state: its batches carry the epochs taken here and the
   * database refuses a batch whose epoch moved on, so once another worker took a partition nothing
   * more of this one's lands for it; and what this worker builds after a take starts from the
   * snapshots and offsets stored when the take committed (its cached states were dropped with the
   * rewind that led here), which include every batch the earlier holder managed to commit.
   */
  private async claimAssigned(): Promise<{ topic: string; partition: number; offset: bigint }[]> {
    const { ownership, stream, group } = this.options;
    if (!ownership) return [];
    const assigned = this.consumer.assignments?.find((a) => a.topic === stream)?.partitions ?? [];
    const claims = await ownership.take(group, stream, assigned, this.owner);
    const unstored = claims.filter((claim) => claim.nextOffset === null).map((claim) => claim.partition);
    const committed =
      unstored.length > 0
        ? (
            await this.consumer.listCommittedOffsets({ topics: [{ topic: stream, partitions: unstored }] })
          ).get(stream)
        : undefined;
    this.held = new Map(claims.map((claim) => [claim.partition, claim.epoch]));
    return claims.flatMap((claim) => {
      const offset =
        claim.nextOffset === null ? (committed?.[claim.partition] ?? -1n) : BigInt(claim.nextOffset);
      return offset >= 0n ? [{ topic: stream, partition: claim.partition, offset }] : [];
    });
  }
}

const partitionOf = (record: ConsumedRecord) => Number(record.shard.slice(record.shard.lastIndexOf('-') + 1));

/** The ListOffsets timestamp that asks for a partition's earliest offset (-1 asks for the latest). */
const EARLIEST_OFFSET = -2n;

/** Closes a fetch stream whose messages nobody wants any more. */
async function discard(messages: MessagesStream<Buffer, Buffer, Buffer, Buffer>): Promise<void> {
  messages.removeAllListeners('data');
  messages.removeAllListeners('error');
  // A late error of a discarded stream must not become an uncaught 'error' event.
  messages.on('error', () => {});
  await messages.close().catch(() => {});
}
