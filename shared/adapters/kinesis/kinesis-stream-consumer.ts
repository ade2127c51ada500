import {
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  type ListShardsCommandOutput,
  type Shard,
} from '@aws-sdk/client-kinesis';
import type { ConsumedRecord, StreamConsumer } from '../../ports/index.ts';
import { type Sleep, sleep } from '../aws-common/index.ts';
import { type KinesisCheckpointStore, MemoryKinesisCheckpoints } from './kinesis-checkpoints.ts';

export interface KinesisStreamConsumerOptions {
  stream: string;
  /** Names this consumer's checkpoints. */
  consumerName: string;
  /** Default: in memory (see {@link MemoryKinesisCheckpoints}). */
  checkpoints?: KinesisCheckpointStore;
  /** Where a shard without a checkpoint is read from. Default `TRIM_HORIZON` (its oldest record). */
  initialPosition?: 'TRIM_HORIZON' | 'LATEST';
  /** Pause between two rounds that found nothing; Kinesis allows 5 GetRecords per shard per second. */
  idleDelayMs?: number;
  /** How often the shard list is read again to find new shards (a closed shard triggers it too). */
  shardRefreshMs?: number;
  sleep?: Sleep;
}

interface ShardReader {
  id: string;
  /** Parents (split or merge): their records come first, so this shard waits for them to end. */
  parents: string[];
  /** Undefined until first read (or after it expired); then the iterator for the next GetRecords. */
  iterator: string | undefined;
  /** The shard is closed and read to its end. */
  ended: boolean;
  /** Sequence number of the last record handed out, to get a new iterator after expiry. */
  lastPolled: string | undefined;
}

/**
 * Reads every shard of a Kinesis stream with GetShardIterator / GetRecords, for `geqo up --stream
 * kinesis` (on AWS the worker Lambda's event source mapping does this job). Positions are sequence
 * numbers; order holds within a shard, which is all Kinesis promises (per partition key).
 *
 * `commit(record)` checkpoints, for every shard, the last record polled up to and including
 * `record` — a batch spans shards, and the worker commits only its last record. `rewind()` drops the
 * iterators: the next poll starts after the checkpoints again.
 */
export class KinesisStreamConsumer implements StreamConsumer {
  private readonly checkpoints: KinesisCheckpointStore;
  private readonly sleep: Sleep;
  private shards: Map<string, ShardReader> | null = null;
  private committed = new Map<string, string>();
  /** Positions handed out and not yet committed, in the order `poll` returned them. */
  private uncommitted: { shard: string; position: string }[] = [];
  private listedAt = 0;
  private refreshNeeded = false;
  private roundStart = 0;
  private closed = false;

  constructor(
    private readonly client: KinesisClient,
    private readonly options: KinesisStreamConsumerOptions,
  ) {
    this.checkpoints = options.checkpoints ?? new MemoryKinesisCheckpoints();
    this.sleep = options.sleep ?? sleep;
  }

  async poll(maxRecords: number, waitMs: number): Promise<ConsumedRecord[]> {
    if (this.closed) throw new Error('consumer closed');
    const deadline = Date.now() + waitMs;
    for (;;) {
      const records = await this.readRound(maxRecords);
      const remaining = deadline - Date.now();
      if (records.length > 0 || remaining <= 0) {
        for (const record of records)
          this.uncommitted.push({ shard: record.shard, position: record.position });
        return records;
      }
      await this.sleep(Math.min(this.options.idleDelayMs ?? 250, remaining));
    }
  }

  rewind(): void {
    this.shards = null;
    this.uncommitted = [];
  }

  async commit(record: ConsumedRecord): Promise<void> {
    const index = this.uncommitted.findIndex(
      (polled) => polled.shard === record.shard && polled.position === record.position,
    );
    const covered = index >= 0 ? this.uncommitted.slice(0, index + 1) : [record];
    const positions = new Map<string, string>();
    for (const { shard, position } of covered) positions.set(shard, position);
    await this.checkpoints.save(this.options.stream, this.options.consumerName, positions);
    for (const [shard, position] of positions) this.committed.set(shard, position);
    if (index >= 0) this.uncommitted.splice(0, index + 1);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** The committed checkpoint per shard (for logs and tests). */
  get checkpoint(): ReadonlyMap<string, string> {
    return this.committed;
  }

  /** One pass over the readable shards, starting one further each time so no shard starves. */
  private async readRound(maxRecords: number): Promise<ConsumedRecord[]> {
    const shards = await this.readableShards();
    const out: ConsumedRecord[] = [];
    if (shards.length === 0) return out;
    this.roundStart = (this.roundStart + 1) % shards.length;
    for (let i = 0; i < shards.length && out.length < maxRecords; i += 1) {
      const shard = shards[(this.roundStart + i) % shards.length]!;
      out.push(...(await this.readShard(shard, maxRecords - out.length)));
    }
    return out;
  }

  private async readShard(shard: ShardReader, limit: number): Promise<ConsumedRecord[]> {
    shard.iterator ??= await this.iteratorFor(shard);
    if (!shard.iterator) return [];
    let response: GetRecordsCommandOutput;
    try {
      response = await this.client.send(
        new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: Math.min(limit, 10_000) }),
      );
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'ExpiredIteratorException') {
        shard.iterator = undefined;
        return [];
      }
      // This shard's read budget is spent for this second: the next round tries again.
      if (name === 'ProvisionedThroughputExceededException') return [];
      throw error;
    }
    shard.iterator = response.NextShardIterator;
    if (!shard.iterator) {
      shard.ended = true;
      this.refreshNeeded = true;
    }
    const records: ConsumedRecord[] = (response.Records ?? []).map((record) => ({
      stream: this.options.stream,
      shard: shard.id,
      position: record.SequenceNumber ?? '',
      partitionKey: record.PartitionKey ?? '',
      data: record.Data ?? new Uint8Array(),
      arrivedAt: record.ApproximateArrivalTimestamp?.getTime() ?? Date.now(),
    }));
    const last = records.at(-1);
    if (last) shard.lastPolled = last.position;
    return records;
  }

  private async iteratorFor(shard: ShardReader): Promise<string | undefined> {
    const after = shard.lastPolled ?? this.committed.get(shard.id);
    const response = await this.client.send(
      new GetShardIteratorCommand({
        StreamName: this.options.stream,
        ShardId: shard.id,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after }
          : { ShardIteratorType: this.options.initialPosition ?? 'TRIM_HORIZON' }),
      }),
    );
    return response.ShardIterator;
  }

  /** Open shards whose parents are read to their end (or gone from the stream). */
  private async readableShards(): Promise<ShardReader[]> {
    if (!this.shards) {
      this.committed = new Map(await this.checkpoints.load(this.options.stream, this.options.consumerName));
      this.shards = new Map();
      await this.refreshShards();
    } else if (this.refreshNeeded || Date.now() - this.listedAt > (this.options.shardRefreshMs ?? 30_000)) {
      await this.refreshShards();
    }
    const shards = this.shards!;
    return [...shards.values()].filter(
      (shard) => !shard.ended && shard.parents.every((parent) => shards.get(parent)?.ended ?? true),
    );
  }

  private async refreshShards(): Promise<void> {
    const listed: Shard[] = [];
    let nextToken: string | undefined;
    do {
      const page: ListShardsCommandOutput = await this.client.send(
        new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName: this.options.stream }),
      );
      listed.push(...(page.Shards ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
    const shards = this.shards!;
    for (const shard of listed) {
      if (!shard.ShardId || shards.has(shard.ShardId)) continue;
      shards.set(shard.ShardId, {
        id: shard.ShardId,
        parents: [shard.ParentShardId, shard.AdjacentParentShardId].filter((id): id is string => !!id),
        iterator: undefined,
        ended: false,
        lastPolled: undefined,
      });
    }
    this.listedAt = Date.now();
    this.refreshNeeded = false;
  }
}
