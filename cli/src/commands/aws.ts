import {
  createKinesisClient,
  KinesisRangeReader,
  KinesisStreamProducer,
} from '@geqo/shared/adapters/kinesis';
import { createSqsClient } from '@geqo/shared/adapters/sqs';
import { type ReplayOutcome, replayFailedBatches } from '../aws/failed-batch-replay.ts';
import { fail } from '../cli-context.ts';
import type { RegisterCommand } from './index.ts';

interface ReplayFailuresFlags {
  queueUrl?: string;
  region?: string;
  stream?: string;
  max?: string;
  kinesisEndpoint?: string;
  sqsEndpoint?: string;
  json?: boolean;
}

function line(outcome: ReplayOutcome): string {
  switch (outcome.status) {
    case 'replayed': {
      const { range, records, expected } = outcome;
      const short = expected > records ? ` (of ${expected}: the rest is past retention)` : '';
      return `${range.stream} ${range.shardId} ${range.startSequenceNumber}..${range.endSequenceNumber}: ${records} records put back${short}`;
    }
    case 'expired':
      return `${outcome.range.stream} ${outcome.range.shardId} ${outcome.range.startSequenceNumber}..${outcome.range.endSequenceNumber}: no record left on the stream (past retention); message kept`;
    case 'unreadable':
      return `message ${outcome.messageId}: ${outcome.problem}; kept`;
    default: {
      const unknown: never = outcome;
      return String(unknown);
    }
  }
}

export const registerAws: RegisterCommand = (program) => {
  const aws = program.command('aws').description('operations on the AWS deployment');
  aws
    .command('replay-failures')
    .description(
      'put the batches the worker gave up on back on the stream: reads the shard ranges parked in ' +
        'its on-failure queue from the stream (within its retention) and puts their records again',
    )
    .option('--queue-url <url>', 'the on-failure queue of the worker (GEQO_BATCH_FAILURE_QUEUE_URL)')
    .option('--region <region>', 'AWS region (AWS_REGION)')
    .option('--stream <name>', 'put the records on this stream (default: the one they were read from)')
    .option('--max <n>', 'handle at most n messages')
    .option('--kinesis-endpoint <url>', 'a Kinesis stand-in instead of AWS (tests)')
    .option('--sqs-endpoint <url>', 'an SQS stand-in instead of AWS (tests)')
    .option('--json', 'print one JSON outcome per line')
    .action(async (flags: ReplayFailuresFlags) => {
      const queueUrl = flags.queueUrl || process.env.GEQO_BATCH_FAILURE_QUEUE_URL;
      if (!queueUrl)
        fail('--queue-url: which on-failure queue? (the BatchFailures queue of the pipeline stack)');
      const region = flags.region || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
      if (!region) fail('--region: which AWS region? (or set AWS_REGION)');
      const max = flags.max === undefined ? undefined : Number(flags.max);
      if (max !== undefined && (!Number.isInteger(max) || max <= 0))
        fail(`--max: "${flags.max}" is not a positive integer`);
      const kinesis = createKinesisClient({
        region,
        ...(flags.kinesisEndpoint ? { endpoint: flags.kinesisEndpoint } : {}),
      });
      const sqs = createSqsClient({ region, ...(flags.sqsEndpoint ? { endpoint: flags.sqsEndpoint } : {}) });
      const producer = new KinesisStreamProducer(kinesis);
      try {
        const outcomes = await replayFailedBatches(
          {
            sqs,
            queueUrl,
            reader: new KinesisRangeReader(kinesis),
            producer,
            ...(flags.stream ? { targetStream: flags.stream } : {}),
            ...(max === undefined ? {} : { maxMessages: max }),
          },
          (outcome) => process.stdout.write(`${flags.json ? JSON.stringify(outcome) : line(outcome)}\n`),
        );
        const replayed = outcomes.filter((outcome) => outcome.status === 'replayed').length;
        if (!flags.json) process.stdout.write(`${replayed} of ${outcomes.length} parked batches put back\n`);
      } finally {
        await producer.close();
        kinesis.destroy();
        sqs.destroy();
      }
    });
};
