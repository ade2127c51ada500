/**
 * The two stream events a consumer Lambda can receive, and the records they hold as the ports'
 * `ConsumedRecord`s:
 *
 * - Kinesis (`Records[].eventSource = "aws:kinesis"`): one shard per invocation; base64 `data`;
 *   the shard id is the part of `eventID` before the colon; position = sequence number.
 * - MSK (`eventSource = "aws:kafka"`): records grouped under `"<topic>-<partition>"`, base64
 *   `key` and `value`; position = offset.
 */
import type { ConsumedRecord } from '@geqo/shared/ports';

export interface KinesisEventRecord {
  kinesis: {
    kinesisSchemaVersion?: string;
    partitionKey: string;
    sequenceNumber: string;
    data: string;
    approximateArrivalTimestamp: number;
  };
  eventSource: 'aws:kinesis';
  eventVersion?: string;
  eventID: string;
  eventName?: string;
  invokeIdentityArn?: string;
  awsRegion?: string;
  eventSourceARN: string;
}

export interface KinesisEvent {
  Records: KinesisEventRecord[];
}

export interface MskEventRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  timestampType?: string;
  /** base64; absent or null for a record produced without a key. */
  key?: string | null;
  value: string | null;
  headers?: Record<string, number[]>[];
}

export interface MskEvent {
  eventSource: 'aws:kafka' | 'SelfManagedKafka';
  eventSourceArn?: string;
  bootstrapServers?: string;
  records: Record<string, MskEventRecord[]>;
}

export type StreamEvent = KinesisEvent | MskEvent;

/** Kinesis identifies a failed record by its sequence number, Kafka by partition and offset. */
export type BatchItemIdentifier = string | { partition: string; offset: number };

export interface StreamBatchResponse {
  batchItemFailures: { itemIdentifier: BatchItemIdentifier }[];
}

/** The records of one shard or partition, in stream order; order holds only within a group. */
export interface RecordGroup {
  shard: string;
  records: ConsumedRecord[];
  /** What to report so the event source mapping retries from `record` on. */
  identify(record: ConsumedRecord): BatchItemIdentifier;
}

export function isMskEvent(event: StreamEvent): event is MskEvent {
  return (
    'records' in event && (event.eventSource === 'aws:kafka' || event.eventSource === 'SelfManagedKafka')
  );
}

const fromBase64 = (text: string | null | undefined): Uint8Array =>
  text ? new Uint8Array(Buffer.from(text, 'base64')) : new Uint8Array(0);

/** `arn:aws:kinesis:region:account:stream/raw-game-events` -> `raw-game-events`. */
export function streamNameOf(arn: string): string {
  const slash = arn.lastIndexOf('/');
  return slash >= 0 ? arn.slice(slash + 1) : arn;
}

function kinesisGroups(event: KinesisEvent): RecordGroup[] {
  const groups = new Map<string, RecordGroup>();
  for (const record of event.Records) {
    const colon = record.eventID.indexOf(':');
    const shard = colon > 0 ? record.eventID.slice(0, colon) : record.eventID;
    let group = groups.get(shard);
    if (!group) {
      group = { shard, records: [], identify: (r) => r.position };
      groups.set(shard, group);
    }
    group.records.push({
      stream: streamNameOf(record.eventSourceARN),
      shard,
      position: record.kinesis.sequenceNumber,
      partitionKey: record.kinesis.partitionKey,
      data: fromBase64(record.kinesis.data),
      arrivedAt: Math.round(record.kinesis.approximateArrivalTimestamp * 1000),
    });
  }
  return [...groups.values()];
}

function mskGroups(event: MskEvent): RecordGroup[] {
  return Object.entries(event.records).map(([shard, records]) => ({
    shard,
    identify: (r: ConsumedRecord) => ({ partition: shard, offset: Number(r.position) }),
    records: [...records]
      .sort((a, b) => a.offset - b.offset)
      .map((record) => ({
        stream: record.topic,
        shard,
        position: String(record.offset),
        partitionKey: Buffer.from(fromBase64(record.key)).toString('utf8'),
        data: fromBase64(record.value),
        arrivedAt: record.timestamp,
      })),
  }));
}

/** The event's records as `ConsumedRecord`s, one group per shard or partition. */
export function recordGroups(event: StreamEvent): RecordGroup[] {
  return isMskEvent(event) ? mskGroups(event) : kinesisGroups(event);
}
