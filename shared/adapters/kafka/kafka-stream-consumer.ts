import { Consumer, type Message, type MessagesStream } from '@platformatic/kafka';
import type { ConsumedRecord, Metrics, StreamConsumer } from '../../ports/index.ts';
import { kafkaConnectionOptions, type MskIamAuth } from './kafka-connection.ts';

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
 * offsets, shards are `<topic>-<partition>`.
 */
export class KafkaStreamConsumer implements StreamConsumer {
  private readonly consumer: Consumer;
  private messages: MessagesStream<Buffer, Buffer, Buffer, Buffer> | null = null;
  private opening: Promise<void> | null = null;
  /** The stream `rewind()` is closing; the next one opens after it is closed. */
  private closing: Promise<void> = Promise.resolve();
  private buffer: KafkaMessage[] = [];
  private uncommitted: { partition: number; offset: bigint }[] = [];
  private wake: (() => void) | null = null;
  private failure: Error | null = null;
  /** Counts rewinds, so a stream that finishes opening after one is closed, not used. */
  private generation = 0;
  private lagTimer: NodeJS.Timeout | null = null;
  private lagRefresh: Promise<void> | null = null;
  /** Partitions this member has reported a lag for (the ones it was last assigned). */
  private readonly lagReported = new Set<number>();

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
    });
  }

  async poll(maxRecords: number, waitMs: number): Promise<ConsumedRecord[]> {
    await this.open();
    if (this.buffer.length === 0 && waitMs > 0 && !this.failure) {
      await new Promise<void>((resolve) => {
        const finish = () => {
          clearTimeout(timer);
          this.wake = null;
          resolve();
        };
        const timer = setTimeout(finish, waitMs);
        this.wake = finish;
      });
    }
    if (this.failure) {
      const failure = this.failure;
      this.failure = null;
      this.rewind();
      throw failure;
    }
    const taken = this.buffer.splice(0, maxRecords);
    if (this.messages?.isPaused() && this.buffer.length < this.maxBuffered / 2) this.messages.resume();
    for (const message of taken)
      this.uncommitted.push({ partition: message.partition, offset: message.offset });
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
    this.generation += 1;
    const messages = this.messages;
    this.messages = null;
    this.opening = null;
    this.buffer = [];
    this.uncommitted = [];
    if (messages) this.closing = discard(messages);
  }

  async commit(record: ConsumedRecord): Promise<void> {
    const partition = Number(record.shard.slice(record.shard.lastIndexOf('-') + 1));
    const offset = BigInt(record.position);
    const index = this.uncommitted.findIndex(
      (polled) => polled.partition === partition && polled.offset === offset,
    );
    const covered = index >= 0 ? this.uncommitted.slice(0, index + 1) : [{ partition, offset }];
    const next = new Map<number, bigint>();
    for (const polled of covered) next.set(polled.partition, polled.offset + 1n);
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
    if (index >= 0) this.uncommitted.splice(0, index + 1);
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
    const messages = await this.consumer.consume({
      topics: [this.options.stream],
      mode: 'committed',
      fallbackMode: 'earliest',
      autocommit: false,
    });
    if (generation !== this.generation) {
      await discard(messages);
      return;
    }
    messages.on('data', (message: KafkaMessage) => {
      this.buffer.push(message);
      if (this.buffer.length >= this.maxBuffered) messages.pause();
      this.wake?.();
    });
    messages.on('error', (error: Error) => {
      this.failure = error;
      this.wake?.();
    });
    this.messages = messages;
    if (this.options.metrics?.gauge && !this.lagTimer) {
      this.lagTimer = setInterval(() => void this.refreshLag(), this.options.lagRefreshMs ?? 5_000);
      this.lagTimer.unref();
    }
  }
}

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
