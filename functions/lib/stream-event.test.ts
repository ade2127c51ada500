import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type KinesisEvent, type MskEvent, recordGroups, streamNameOf } from './stream-event.ts';

const sample = <T>(name: string): T =>
  JSON.parse(
    readFileSync(
      new URL(`../../../shared/fixtures/aws-lambda-events/aws-lambda-go_${name}.json`, import.meta.url),
      'utf8',
    ),
  ) as T;

describe('recordGroups', () => {
  it('maps the real Kinesis sample to consumed records of one shard', async () => {
    // Act
    const groups = recordGroups(sample<KinesisEvent>('kinesis-event'));
    // Assess
    expect(groups).toHaveLength(1);
    const [group] = groups;
    expect(group?.shard).toBe('shardId-000000000000');
    expect(group?.records.map((r) => ({ ...r, data: Buffer.from(r.data).toString('utf8') }))).toEqual([
      {
        stream: 'simple-stream',
        shard: 'shardId-000000000000',
        position: '49568167373333333333333333333333333333333333333333333333',
        partitionKey: 's1',
        data: 'Hello World',
        arrivedAt: 1_480_641_523_477,
      },
      expect.objectContaining({ position: '49568167373333333334444444444444444444444444444444444444' }),
    ]);
    expect(group?.identify(group.records[1]!)).toBe(
      '49568167373333333334444444444444444444444444444444444444',
    );
  });

  it('maps the real MSK sample: topic, topic-partition shard, offset, decoded key', async () => {
    const [group] = recordGroups(sample<MskEvent>('kafka-event'));
    const [record] = group?.records ?? [];
    expect(record).toMatchObject({
      stream: 'AWSKafkaTopic',
      shard: 'AWSKafkaTopic-0',
      position: '0',
      partitionKey: '8d5596b4-1813-4238-b24b-6dad8e3d1c0c',
      arrivedAt: 1_595_035_749_700,
    });
    expect(Buffer.from(record!.data).toString('utf8')).toBe('8d5596b4-1813-4238-b24b-6dad8e3d1c0c');
    expect(group?.identify(record!)).toEqual({ partition: 'AWSKafkaTopic-0', offset: 0 });
  });

  it('keeps a tumbling-window Kinesis event readable (same records)', async () => {
    const [group] = recordGroups(sample<KinesisEvent>('kinesis-time-window-event'));
    expect(group?.shard).toBe('shardId-000000000006');
    expect(Buffer.from(group!.records[0]!.data).toString('utf8')).toBe('Hello, this is a test.');
  });

  it('orders MSK records by offset and tolerates a missing key', async () => {
    const event: MskEvent = {
      eventSource: 'aws:kafka',
      records: {
        't-3': [
          { topic: 't', partition: 3, offset: 9, timestamp: 2, value: 'Yg==' },
          { topic: 't', partition: 3, offset: 8, timestamp: 1, key: null, value: 'YQ==' },
        ],
      },
    };
    const [group] = recordGroups(event);
    expect(group?.records.map((r) => [r.position, r.partitionKey])).toEqual([
      ['8', ''],
      ['9', ''],
    ]);
  });

  it('takes the stream name from an ARN', async () => {
    expect(streamNameOf('arn:aws:kinesis:eu-central-1:123456789012:stream/raw-game-events')).toBe(
      'raw-game-events',
    );
  });
});
