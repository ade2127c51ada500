/**
 * A small stand-in for Lambda's Kinesis event source mapping, so the Lambda handlers run end to
 * end against kinesis-local: it reads each shard with GetShardIterator / GetRecords (the real SDK
 * over HTTP), builds the Lambda Kinesis event exactly as AWS does and invokes the function with
 * batches, applying the mapping's rules of `event-source-batch.ts` (checkpoints, partial batch
 * responses, retries, bisect, the on-failure destination).
 *
 * It is test machinery, not product code: on AWS the mapping is Lambda's own service, and the
 * local runtime (`geqo up --stream kinesis`) calls the use cases directly through
 * `KinesisStreamConsumer`, without Lambda events.
 *
 * With `maximumBatchingWindowInSeconds`, a batch smaller than `batchSize` waits up to that long
 * for more records before the function is invoked; records older than `maximumRecordAgeInSeconds`
 * are discarded (see `event-source-batch.ts`).
 *
 * With `parallelizationFactor` N above 1, the records of a GetRecords are split into N lanes by
 * partition key (one key always in the same lane, in order) and the lanes' batches are invoked
 * concurrently; the shard moves on once every lane is done (AWS lets each lane go on alone).
 *
 * Left out: tumbling windows, the 6 MB
 * invocation payload limit, enhanced fan-out, and resharding after `start()` (the shard list is
 * read once; children listed then wait for their parents to be read to the end).
 */

import { createHash } from 'node:crypto';
import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  type ListShardsCommandOutput,
  type _Record as SdkRecord,
  type Shard,
} from '@aws-sdk/client-kinesis';
import type { KinesisEventRecord } from '../../functions/lib/stream-event.ts';
import type { Logger } from '../../shared/ports/index.ts';
import {
  type BatchRunContext,
  type BatchRunResult,
  DEFAULT_MAPPING_SETTINGS,
  type EventSourceMappingSettings,
  type EventSourceStats,
  emptyStats,
  type KinesisFunction,
  type OnFailureDestination,
  runEventSourceBatch,
} from './event-source-batch.ts';

export interface EventSourcePollerOptions extends Partial<EventSourceMappingSettings> {
  client: KinesisClient;
  stream: string;
  /** The Lambda function: a `makeHandler(...)` result. */
  handler: KinesisFunction;
  /** Names the function in the ARNs of the event and of on-failure records. Default `geqo-function`. */
  functionName?: string;
  /** `ParallelizationFactor`: concurrent batches per shard, 1–10. Default 1. */
  parallelizationFactor?: number;
  /** `MaximumBatchingWindowInSeconds`: how long a short batch waits to fill up. Default 0. */
  maximumBatchingWindowInSeconds?: number;
  /** Where shards without a checkpoint are read from. Default `TRIM_HORIZON`. */
  startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /** `DestinationConfig.OnFailure`: where discarded batches are recorded (metadata only). */
  onFailure?: OnFailureDestination;
  /** Pause after a GetRecords that found nothing. AWS polls an idle shard once a second. Default 1,000. */
  pollIntervalMs?: number;
  /** Pause before a retry. Default 100. */
  retryDelayMs?: number;
  logger?: Logger;
}

interface ShardState {
  /** The last GetRecords found nothing new: the shard is read up to its tip. */
  caughtUp: boolean;
}

/**
 * Polls every shard of one stream and invokes `handler` the way the event source mapping does:
 * one batch at a time per shard (shards in parallel), records in shard order.
 */
export class EventSourcePoller {
  private readonly settings: EventSourceMappingSettings;
  private readonly statistics = emptyStats();
  private readonly checkpointed = new Map<string, string>();
  private readonly shards = new Map<string, ShardState>();
  private readonly wakers = new Set<() => void>();
  private readonly failures: unknown[] = [];
  private loops: Promise<void>[] = [];
  private stopRequested = false;
  private started = false;
  private streamArn = '';
  private functionArn = '';
  private roleArn = '';
  private region = '';

  constructor(private readonly options: EventSourcePollerOptions) {
    this.settings = {
      batchSize: options.batchSize ?? DEFAULT_MAPPING_SETTINGS.batchSize,
      bisectBatchOnFunctionError:
        options.bisectBatchOnFunctionError ?? DEFAULT_MAPPING_SETTINGS.bisectBatchOnFunctionError,
      reportBatchItemFailures:
        options.reportBatchItemFailures ?? DEFAULT_MAPPING_SETTINGS.reportBatchItemFailures,
      maximumRetryAttempts: options.maximumRetryAttempts ?? DEFAULT_MAPPING_SETTINGS.maximumRetryAttempts,
      maximumRecordAgeInSeconds: options.maximumRecordAgeInSeconds ?? -1,
    };
  }

  /**
   * Reads the stream's ARN and shards and takes each shard's first iterator, then starts polling
   * in the background. Once this resolves, a `LATEST` mapping sees every record put afterwards.
   */
  async start(): Promise<void> {
    if (this.started) throw new Error('this poller was already started');
    this.started = true;
    const { client, stream } = this.options;
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
    this.streamArn = summary.StreamDescriptionSummary?.StreamARN ?? '';
    // arn:aws:kinesis:<region>:<account>:stream/<name>
    const [, , , region = 'us-east-1', account = '000000000000'] = this.streamArn.split(':');
    const functionName = this.options.functionName ?? 'geqo-function';
    this.region = region;
    this.functionArn = `arn:aws:lambda:${region}:${account}:function:${functionName}`;
    this.roleArn = `arn:aws:iam::${account}:role/${functionName}`;

    const listed = await this.listShards();
    const ids = new Set(listed.map((shard) => shard.ShardId ?? ''));
    const parentsOf = (shard: Shard) =>
      [shard.ParentShardId, shard.AdjacentParentShardId].filter(
        (id): id is string => id !== undefined && ids.has(id),
      );
    // Shards with no parent to wait for start where the mapping says; a child starts at its
    // beginning once its parents are read to their end, like Kinesis consumers must.
    const firstIterators = await Promise.all(
      listed.map((shard) =>
        parentsOf(shard).length === 0
          ? this.iteratorFor(shard.ShardId ?? '', this.options.startingPosition ?? 'TRIM_HORIZON')
          : Promise.resolve(undefined),
      ),
    );
    const loops = new Map<string, Promise<void>>();
    const loopOf = (shard: Shard, index: number): Promise<void> => {
      const id = shard.ShardId ?? '';
      let loop = loops.get(id);
      if (!loop) {
        const parents = parentsOf(shard).map((parentId) => {
          const parentIndex = listed.findIndex((candidate) => candidate.ShardId === parentId);
          return loopOf(listed[parentIndex]!, parentIndex);
        });
        this.shards.set(id, { caughtUp: false });
        loop = (async () => {
          await Promise.all(parents);
          const iterator = firstIterators[index] ?? (await this.iteratorFor(id, 'TRIM_HORIZON'));
          await this.readShard(id, iterator);
        })();
        loops.set(id, loop);
      }
      return loop;
    };
    this.loops = listed.map((shard, index) => loopOf(shard, index));
  }

  /** Stops polling: an invocation under way finishes, no new one starts. Resolves when every shard loop ended. */
  async stop(): Promise<void> {
    this.stopRequested = true;
    for (const wake of this.wakers) wake();
    await Promise.all(this.loops);
  }

  /** Counters since `start()`. */
  get stats(): Readonly<EventSourceStats> {
    return this.statistics;
  }

  /** Per shard, the sequence number of the last record handled (or discarded). */
  get checkpoints(): ReadonlyMap<string, string> {
    return this.checkpointed;
  }

  /** Errors of the mapping itself (Kinesis calls), as opposed to the function's. */
  get errors(): readonly unknown[] {
    return this.failures;
  }

  /** The stream's ARN, as the events carry it (known after `start()`). */
  get eventSourceArn(): string {
    return this.streamArn;
  }

  /** Resolves once every shard has been read to its tip with nothing left to hand out. */
  async waitUntilCaughtUp(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (![...this.shards.values()].every((shard) => shard.caughtUp)) {
      if (Date.now() > deadline)
        throw new Error(`${this.options.stream}: not caught up after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async readShard(shardId: string, firstIterator: string | undefined): Promise<void> {
    const state = this.shards.get(shardId)!;
    const context = this.batchContext(shardId);
    let iterator = firstIterator;
    while (iterator && !this.stopRequested) {
      let output: GetRecordsCommandOutput;
      try {
        output = await this.options.client.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: this.settings.batchSize }),
        );
      } catch (error) {
        iterator = await this.afterGetRecordsFailed(shardId, iterator, error);
        continue;
      }
      const records = output.Records ?? [];
      state.caughtUp = false;
      iterator = output.NextShardIterator;
      if (records.length > 0) {
        const gathered = [...records];
        iterator = await this.fillBatchingWindow(gathered, iterator);
        const batch = gathered.map((record) => this.eventRecord(shardId, record));
        if ((await this.runLanes(batch, context)) === 'stopped') return;
      }
      // An empty answer may still be behind the tip (Kinesis skips empty stretches one call at a
      // time): only an empty answer at the tip waits for the next poll.
      if (records.length === 0 && (output.MillisBehindLatest ?? 0) === 0) {
        state.caughtUp = true;
        await this.pause(this.options.pollIntervalMs ?? 1_000);
      }
    }
    // A closed shard read to its end has nothing more to give.
    if (!iterator) state.caughtUp = true;
  }

  /** Runs a batch, split into concurrent lanes by partition key with a parallelization factor. */
  private async runLanes(batch: KinesisEventRecord[], context: BatchRunContext): Promise<BatchRunResult> {
    const factor = this.options.parallelizationFactor ?? 1;
    if (factor <= 1) return runEventSourceBatch(batch, context);
    const lanes = new Map<number, KinesisEventRecord[]>();
    for (const record of batch) {
      const lane = laneOf(record.kinesis.partitionKey, factor);
      lanes.set(lane, [...(lanes.get(lane) ?? []), record]);
    }
    // A lane's progress is not the shard's: the shard moves past the batch once all lanes are done.
    const laneContext: BatchRunContext = { ...context, checkpoint: () => {} };
    const results = await Promise.all(
      [...lanes.values()].map((records) => runEventSourceBatch(records, laneContext)),
    );
    if (results.includes('stopped')) return 'stopped';
    const last = batch.at(-1);
    if (last) context.checkpoint(last.kinesis.sequenceNumber);
    return 'completed';
  }

  /**
   * Within the batching window, reads on until the batch is full or the window closes; answers
   * the iterator after what was read. A failed read ends the window early (what was read is kept).
   */
  private async fillBatchingWindow(
    records: SdkRecord[],
    iterator: string | undefined,
  ): Promise<string | undefined> {
    const windowMs = (this.options.maximumBatchingWindowInSeconds ?? 0) * 1000;
    const closesAt = Date.now() + windowMs;
    let next = iterator;
    while (next && windowMs > 0 && records.length < this.settings.batchSize && !this.stopRequested) {
      const left = closesAt - Date.now();
      if (left <= 0) break;
      await this.pause(Math.min(left, this.options.pollIntervalMs ?? 1_000));
      try {
        const output = await this.options.client.send(
          new GetRecordsCommand({ ShardIterator: next, Limit: this.settings.batchSize - records.length }),
        );
        records.push(...(output.Records ?? []));
        next = output.NextShardIterator;
      } catch (error) {
        this.failures.push(error);
        break;
      }
    }
    return next;
  }

  /** The iterator to go on with after a failed GetRecords (or undefined if none can be had yet). */
  private async afterGetRecordsFailed(
    shardId: string,
    iterator: string,
    error: unknown,
  ): Promise<string | undefined> {
    const name = error instanceof Error ? error.name : '';
    if (name !== 'ProvisionedThroughputExceededException' && name !== 'ExpiredIteratorException') {
      this.failures.push(error);
      this.options.logger?.warn('GetRecords failed', { shardId, error: String(error) });
    }
    await this.pause(this.options.pollIntervalMs ?? 1_000);
    if (name !== 'ExpiredIteratorException' || this.stopRequested) return iterator;
    try {
      // Resume after the checkpoint, so nothing unhandled is skipped.
      const checkpoint = this.checkpointed.get(shardId);
      return await this.iteratorFor(shardId, this.options.startingPosition ?? 'TRIM_HORIZON', checkpoint);
    } catch (retryError) {
      this.failures.push(retryError);
      return iterator;
    }
  }

  private batchContext(shardId: string): BatchRunContext {
    return {
      settings: this.settings,
      shardId,
      streamArn: this.streamArn,
      functionArn: this.functionArn,
      invoke: this.options.handler,
      checkpoint: (sequenceNumber) => this.checkpointed.set(shardId, sequenceNumber),
      ...(this.options.onFailure ? { onFailure: this.options.onFailure } : {}),
      stats: this.statistics,
      retryDelayMs: this.options.retryDelayMs ?? 100,
      sleep: (ms) => this.pause(ms),
      stopping: () => this.stopRequested,
    };
  }

  /** A record of the Lambda Kinesis event, field for field as AWS builds it. */
  private eventRecord(shardId: string, record: SdkRecord): KinesisEventRecord {
    const sequenceNumber = record.SequenceNumber ?? '';
    const data = record.Data ?? new Uint8Array();
    return {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: record.PartitionKey ?? '',
        sequenceNumber,
        data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'),
        // Seconds since the epoch, with the milliseconds as a fraction.
        approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp?.getTime() ?? Date.now()) / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${shardId}:${sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: this.roleArn,
      awsRegion: this.region,
      eventSourceARN: this.streamArn,
    };
  }

  private async iteratorFor(
    shardId: string,
    position: 'TRIM_HORIZON' | 'LATEST',
    after?: string,
  ): Promise<string | undefined> {
    const output = await this.options.client.send(
      new GetShardIteratorCommand({
        StreamName: this.options.stream,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after }
          : { ShardIteratorType: position }),
      }),
    );
    return output.ShardIterator;
  }

  private async listShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let nextToken: string | undefined;
    do {
      const page: ListShardsCommandOutput = await this.options.client.send(
        new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName: this.options.stream }),
      );
      shards.push(...(page.Shards ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
    return shards;
  }

  /** Waits `ms`, or less if the poller is stopped meanwhile. */
  private pause(ms: number): Promise<void> {
    if (this.stopRequested) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }
}

/** The lane of a partition key under a parallelization factor (its MD5, as Kinesis hashes keys). */
export function laneOf(partitionKey: string, factor: number): number {
  return createHash('md5').update(partitionKey).digest().readUInt32BE(0) % factor;
}
