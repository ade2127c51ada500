import { GetRecordsCommand, GetShardIteratorCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { StreamRecord } from '../../ports/index.ts';

/** A stretch of one shard, by sequence number, both ends included (as Lambda's `KinesisBatchInfo` gives it). */
export interface ShardRange {
  stream: string;
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
}

export interface ShardRangeRecord extends StreamRecord {
  sequenceNumber: string;
}

/**
 * Reads back the records of a shard range still within the stream's retention: `GetShardIterator`
 * `AT_SEQUENCE_NUMBER` at its start, then `GetRecords` until a record past its end, or the shard's
 * tip. Records trimmed by retention are simply not there: the answer is then shorter, or empty.
 */
export class KinesisRangeReader {
  constructor(
    private readonly client: Pick<KinesisClient, 'send'>,
    /** `GetRecords` calls at most per range: a guard against a shard that never ends. */
    private readonly maxCalls = 10_000,
  ) {}

  async read(range: ShardRange): Promise<ShardRangeRecord[]> {
    const end = BigInt(range.endSequenceNumber);
    const { ShardIterator } = await this.client.send(
      new GetShardIteratorCommand({
        StreamName: range.stream,
        ShardId: range.shardId,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        StartingSequenceNumber: range.startSequenceNumber,
      }),
    );
    const found: ShardRangeRecord[] = [];
    let iterator = ShardIterator;
    for (let calls = 0; iterator && calls < this.maxCalls; calls += 1) {
      const output = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1_000 }));
      for (const record of output.Records ?? []) {
        const sequenceNumber = record.SequenceNumber ?? '0';
        if (BigInt(sequenceNumber) > end) return found;
        found.push({
          sequenceNumber,
          partitionKey: record.PartitionKey ?? '',
          data: record.Data ?? new Uint8Array(),
        });
      }
      // At the tip with nothing more: the rest of the range is not (or no longer) there.
      if ((output.Records ?? []).length === 0 && output.MillisBehindLatest === 0) return found;
      iterator = output.NextShardIterator;
    }
    return found;
  }
}
