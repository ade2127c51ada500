import { randomBytes } from 'node:crypto';
import { Consumer, type Message } from '@platformatic/kafka';
import type { DeadLetter, DeadLetterSink, StreamProducer, StreamRecord } from '../../ports/index.ts';
import { kafkaConnectionOptions, type MskIamAuth } from './kafka-connection.ts';

/**
 * The dead-letter topic (`raw-game-events-dlq`) of the Kafka deployment: each record is one dead
 * letter, keyed by its partition key (the server id), its value JSON:
 *
 *   {"v":1, "stream", "shard", "position", "partitionKey", "code", "reason", "failedAt", "payload"}
 *
 * with `payload` the raw record's bytes in base64. Delivery is at least once (a batch retried after
 * its letters went out sends them again): `stream` + `shard` + `position` identify a letter.
 */
export interface DeadLetterOnTopic extends DeadLetter {
  /** `<partition>:<offset>` on the dead-letter topic: what `geqo dlq replay --kafka` takes. */
  id: string;
}

const VERSION = 1;

export function deadLetterTopicOf(rawStream: string): string {
  return `${rawStream}-dlq`;
}

export function encodeDeadLetterRecord(letter: DeadLetter): StreamRecord {
  const value = {
    v: VERSION,
    stream: letter.stream,
    shard: letter.shard,
    position: letter.position,
    partitionKey: letter.partitionKey,
    code: letter.code,
    reason: letter.reason,
    failedAt: letter.failedAt,
    payload: Buffer.from(letter.payload).toString('base64'),
  };
  return { partitionKey: letter.partitionKey, data: Buffer.from(JSON.stringify(value), 'utf8') };
}

/** A dead letter back from its record; `null` for a value that is not one (written by hand). */
export function decodeDeadLetterRecord(data: Uint8Array): DeadLetter | null {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(data).toString('utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const text = (key: string) => (typeof v[key] === 'string' ? (v[key] as string) : null);
  const [stream, shard, position, partitionKey, code, reason, payload] = [
    'stream',
    'shard',
    'position',
    'partitionKey',
    'code',
    'reason',
    'payload',
  ].map(text);
  if (v.v !== VERSION || typeof v.failedAt !== 'number') return null;
  if (stream == null || shard == null || position == null || partitionKey == null) return null;
  if (code == null || reason == null || payload == null) return null;
  return {
    stream,
    shard,
    position,
    partitionKey,
    code,
    reason,
    failedAt: v.failedAt,
    payload: new Uint8Array(Buffer.from(payload, 'base64')),
  };
}

/** A dead-letter sink that puts each letter on the dead-letter topic. */
export class KafkaDeadLetterTopic implements DeadLetterSink {
  constructor(
    private readonly producer: StreamProducer,
    private readonly topic: string,
  ) {}

  async send(letters: readonly DeadLetter[]): Promise<void> {
    await this.producer.put(this.topic, letters.map(encodeDeadLetterRecord));
  }
}

/**
 * Every dead letter on the topic, oldest first (from each partition's earliest offset to its end
 * when asked), read by a throwaway consumer group that commits nothing. `after` skips, per
 * partition, what is before that offset (e.g. what a replay group has committed).
 */
export async function readDeadLetterTopic(options: {
  brokers: string[];
  topic: string;
  iam?: MskIamAuth;
  /** Per partition, the first offset wanted. */
  after?: ReadonlyMap<number, bigint>;
  timeoutMs?: number;
}): Promise<DeadLetterOnTopic[]> {
  const group = `geqo-dlq-read-${randomBytes(6).toString('hex')}`;
  const consumer = new Consumer({
    clientId: group,
    groupId: group,
    bootstrapBrokers: options.brokers,
    maxWaitTime: 100,
    autocommit: false,
    ...kafkaConnectionOptions(options.iam),
  });
  try {
    const [earliest, latest] = await Promise.all([
      consumer.listOffsets({ topics: [options.topic], timestamp: -2n }),
      consumer.listOffsets({ topics: [options.topic] }),
    ]);
    const ends = latest.get(options.topic) ?? [];
    const starts = (earliest.get(options.topic) ?? []).map((offset, partition) => {
      const after = options.after?.get(partition);
      return after !== undefined && after > offset ? after : offset;
    });
    const remaining = new Set(
      ends.map((end, partition) => (end > (starts[partition] ?? 0n) ? partition : -1)).filter((p) => p >= 0),
    );
    if (remaining.size === 0) return [];
    const stream = await consumer.consume({
      topics: [options.topic],
      mode: 'manual',
      offsets: starts.map((offset, partition) => ({ topic: options.topic, partition, offset })),
      autocommit: false,
    });
    const letters: DeadLetterOnTopic[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new Error(`reading ${options.topic} took longer than ${options.timeoutMs ?? 30_000} ms`)),
          options.timeoutMs ?? 30_000,
        );
        stream.on('data', (message: Message<Buffer, Buffer, Buffer, Buffer>) => {
          const letter = message.value ? decodeDeadLetterRecord(message.value) : null;
          if (letter) letters.push({ ...letter, id: `${message.partition}:${message.offset}` });
          if (message.offset + 1n >= (ends[message.partition] ?? 0n)) remaining.delete(message.partition);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        });
        stream.on('error', (error: Error) => {
          clearTimeout(timer);
          reject(error);
        });
      });
    } finally {
      stream.removeAllListeners('data');
      stream.on('error', () => {});
      await stream.close().catch(() => {});
    }
    return letters.sort((a, b) => a.failedAt - b.failedAt);
  } finally {
    await closeQuietly(consumer);
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

/**
 * Which letters of the dead-letter topic were replayed by `geqo dlq replay all --kafka`: the
 * offsets a consumer group of its own (`geqo-dlq-replay` by default) commits past them. The topic
 * itself is never changed (a letter replayed is still there, as in the table).
 */
export class KafkaDeadLetterReplays {
  private readonly consumer: Consumer;

  constructor(
    private readonly options: { brokers: string[]; topic: string; group?: string; iam?: MskIamAuth },
  ) {
    const group = options.group ?? 'geqo-dlq-replay';
    this.consumer = new Consumer({
      clientId: group,
      groupId: group,
      bootstrapBrokers: options.brokers,
      autocommit: false,
      ...kafkaConnectionOptions(options.iam),
    });
  }

  /** Per partition, the first offset not replayed yet (absent: none replayed). */
  async replayedUpTo(): Promise<Map<number, bigint>> {
    const metadata = await this.consumer.metadata({ topics: [this.options.topic] });
    const count = metadata.topics.get(this.options.topic)?.partitionsCount ?? 0;
    const partitions = Array.from({ length: count }, (_, i) => i);
    const committed = await this.consumer.listCommittedOffsets({
      topics: [{ topic: this.options.topic, partitions }],
    });
    const offsets = new Map<number, bigint>();
    (committed.get(this.options.topic) ?? []).forEach((offset, partition) => {
      if (offset >= 0n) offsets.set(partition, offset);
    });
    return offsets;
  }

  /** Marks these letters (and every one before them in their partitions) replayed. */
  async markReplayed(letters: readonly DeadLetterOnTopic[]): Promise<void> {
    const next = new Map<number, bigint>();
    for (const letter of letters) {
      const [partition, offset] = letter.id.split(':').map((part) => BigInt(part));
      if (partition === undefined || offset === undefined) continue;
      const p = Number(partition);
      if ((next.get(p) ?? -1n) < offset + 1n) next.set(p, offset + 1n);
    }
    if (next.size === 0) return;
    // The broker takes a group's commit from a member only: join (the only member, so every
    // partition is ours), commit, leave.
    const joined = await this.consumer.consume({
      topics: [this.options.topic],
      mode: 'committed',
      fallbackMode: 'earliest',
      autocommit: false,
      maxFetches: 1,
    });
    try {
      await this.consumer.commit({
        offsets: [...next].map(([partition, offset]) => ({
          topic: this.options.topic,
          partition,
          offset,
          leaderEpoch: -1,
        })),
      });
    } finally {
      joined.removeAllListeners('data');
      joined.on('error', () => {});
      await joined.close().catch(() => {});
    }
  }

  async close(): Promise<void> {
    await closeQuietly(this.consumer);
  }
}
