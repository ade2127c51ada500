import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Consumer, type Message, type MessagesStream } from '@platformatic/kafka';
import type { ConsumedRecord, StreamConsumer } from '../../ports/index.ts';
import { kafkaConnectionOptions, type MskIamAuth } from './kafka-connection.ts';
import { Wakeup } from './wakeup.ts';

export interface KafkaLiveConsumerOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: string[];
  /** The topic (= stream name), e.g. `processed-game-events`. */
  stream: string;
  /** The start of the group name; a unique suffix (host, process, random) is added. */
  groupPrefix: string;
  /** How long a fetch waits on the broker for data (default 100 ms: these are live updates). */
  maxWaitTimeMs?: number;
  /** Fetched records held before fetching pauses (default 5,000). */
  maxBuffered?: number;
  /** Let the broker create the topic when it is missing (local runs; `geqo kafka init` makes it otherwise). */
  autocreateTopics?: boolean;
  /** How long `start()` waits for the group's assignment and the starting offsets (default 30 s). */
  startTimeoutMs?: number;
  iam?: MskIamAuth;
}

type KafkaMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/**
 * Reads a topic of live updates (`processed-game-events`) in full, from its end on, for one
 * process: each reader is the only member of a consumer group of its own (a unique name), so every
 * broadcaster process gets every message, whichever worker process published it. Nothing is
 * committed (a live update has no value after a restart: a reader that starts again starts at the
 * end), so `commit` is a no-op and the groups leave no offsets behind.
 *
 * Call `start()` before taking traffic: it resolves once the group is joined and the starting
 * offsets are fixed, so no message published after it is missed. Should the member ever have to
 * join its group again (its session timed out: the process stalled for 10 s), it starts again at
 * the end, as a restarted reader does: live updates are skipped, never delivered twice, and a
 * dashboard reloads what it missed through the REST API.
 */
export class KafkaLiveConsumer implements StreamConsumer {
  readonly group: string;
  private readonly consumer: Consumer;
  private messages: MessagesStream<Buffer, Buffer, Buffer, Buffer> | null = null;
  private starting: Promise<void> | null = null;
  private buffer: KafkaMessage[] = [];
  private readonly wakeup = new Wakeup();
  private failure: Error | null = null;

  constructor(private readonly options: KafkaLiveConsumerOptions) {
    this.group = `${options.groupPrefix}-${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
    this.consumer = new Consumer({
      clientId: this.group,
      groupId: this.group,
      bootstrapBrokers: options.brokers,
      maxWaitTime: options.maxWaitTimeMs ?? 100,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      autocommit: false,
      autocreateTopics: options.autocreateTopics ?? false,
      ...kafkaConnectionOptions(options.iam),
    });
  }

  /** Joins the group and fixes the starting offsets (the topic's end). */
  start(): Promise<void> {
    this.starting ??= this.open();
    return this.starting;
  }

  private async open(): Promise<void> {
    const messages = await this.consumer.consume({
      topics: [this.options.stream],
      mode: 'latest',
      fallbackMode: 'latest',
      autocommit: false,
    });
    // The stream fixes its offsets (the end of each assigned partition) after the join; what is
    // published before that is not for this reader.
    const offsetsFixed = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no offsets for ${this.options.stream} after joining ${this.group}`)),
        this.options.startTimeoutMs ?? 30_000,
      );
      messages.once('offsets', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    messages.on('data', (message: KafkaMessage) => {
      this.buffer.push(message);
      if (this.buffer.length >= this.maxBuffered) messages.pause();
      this.wakeup.wake();
    });
    messages.on('error', (error: Error) => {
      this.failure = error;
      this.wakeup.wake();
    });
    this.messages = messages;
    await offsetsFixed;
  }

  async poll(maxRecords: number, waitMs: number): Promise<ConsumedRecord[]> {
    await this.start();
    if (this.buffer.length === 0 && waitMs > 0 && !this.failure) {
      await this.wakeup.wait(waitMs);
    }
    if (this.failure) {
      const failure = this.failure;
      this.failure = null;
      throw failure;
    }
    const taken = this.buffer.splice(0, maxRecords);
    if (this.messages?.isPaused() && this.buffer.length < this.maxBuffered / 2) this.messages.resume();
    return taken.map((message) => ({
      stream: this.options.stream,
      shard: `${message.topic}-${message.partition}`,
      position: message.offset.toString(),
      partitionKey: message.key ? message.key.toString('utf8') : '',
      data: message.value ?? Buffer.alloc(0),
      arrivedAt: Number(message.timestamp),
    }));
  }

  /** Live updates are not read again: a rewind only drops what is buffered. */
  rewind(): void {
    this.buffer = [];
  }

  async commit(): Promise<void> {
    // Nothing to keep: see the class comment.
  }

  async close(): Promise<void> {
    const messages = this.messages;
    this.messages = null;
    if (messages) {
      messages.removeAllListeners('data');
      messages.on('error', () => {});
      await messages.close().catch(() => {});
    }
    await closeQuietly(this.consumer);
  }

  private get maxBuffered(): number {
    return this.options.maxBuffered ?? 5_000;
  }
}

/** Leaves the group and closes; a client already closed (or a broker gone) is no error here. */
async function closeQuietly(consumer: Consumer): Promise<void> {
  try {
    await consumer.close(true);
  } catch {
    // nothing left to release
  }
}
