import {
  ensureKafkaTopics,
  gameEventTopics,
  KafkaUnreachableError,
  type TopicOutcome,
  type TopicSpec,
} from '@geqo/shared/adapters/kafka';
import { configFrom, fail } from '../cli-context.ts';
import type { RegisterCommand } from './index.ts';

interface KafkaInitFlags {
  brokers?: string;
  partitions: string;
  replicationFactor?: string;
  minInsyncReplicas?: string;
}

function positiveInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) fail(`${flag}: "${value}" is not a positive integer`);
  return number;
}

function settingsOf(spec: TopicSpec): string {
  return [
    `${spec.partitions} partitions`,
    spec.replicationFactor === undefined ? '' : `replication factor ${spec.replicationFactor}`,
    spec.minInsyncReplicas === undefined ? '' : `min.insync.replicas ${spec.minInsyncReplicas}`,
  ]
    .filter(Boolean)
    .join(', ');
}

function line(outcome: TopicOutcome, spec: TopicSpec): string {
  switch (outcome.status) {
    case 'created':
      return `${outcome.topic}: created (${settingsOf(spec)})`;
    case 'up to date':
      return `${outcome.topic}: up to date (${settingsOf(spec)})`;
    case 'differs':
      return `${outcome.topic}: differs: ${outcome.differences
        .map((d) => `${d.setting} ${d.actual} (wanted ${d.wanted})`)
        .join(', ')}`;
    default: {
      const unknown: never = outcome;
      return String(unknown);
    }
  }
}

export const registerKafka: RegisterCommand = (program) => {
  const kafka = program
    .command('kafka')
    .description('set up the Kafka topics geqo up --stream kafka runs on');
  kafka
    .command('init')
    .description(
      'create the topics raw-game-events, processed-game-events and raw-game-events-dlq (names from ' +
        'GEQO_RAW_STREAM / GEQO_PROCESSED_STREAM), and check existing ones without changing them; ' +
        'exits 1 when one differs or the broker cannot be reached',
    )
    .option('--brokers <list>', 'Kafka bootstrap brokers, comma-separated (GEQO_KAFKA_BROKERS)')
    .requiredOption('--partitions <n>', 'partitions per topic: the most workers that can share the load')
    .option('--replication-factor <r>', "copies of each partition (default: the broker's default)")
    .option(
      '--min-insync-replicas <m>',
      "copies a write must reach before it is acknowledged (default: the broker's)",
    )
    .action(async (flags: KafkaInitFlags) => {
      const config = configFrom({
        stream: 'kafka',
        ...(flags.brokers ? { kafkaBrokers: flags.brokers.split(',').map((b) => b.trim()) } : {}),
      });
      const partitions = positiveInteger('--partitions', flags.partitions) ?? 1;
      const replicationFactor = positiveInteger('--replication-factor', flags.replicationFactor);
      const minInsyncReplicas = positiveInteger('--min-insync-replicas', flags.minInsyncReplicas);
      const topics = gameEventTopics(config, {
        partitions,
        ...(replicationFactor === undefined ? {} : { replicationFactor }),
        ...(minInsyncReplicas === undefined ? {} : { minInsyncReplicas }),
      });
      let outcomes: TopicOutcome[];
      try {
        outcomes = await ensureKafkaTopics({ brokers: config.kafkaBrokers, topics });
      } catch (error) {
        if (error instanceof KafkaUnreachableError) fail(error.message);
        throw error;
      }
      outcomes.forEach((outcome, index) => {
        const spec = topics[index];
        if (spec) process.stdout.write(`${line(outcome, spec)}\n`);
      });
      const differing = outcomes.filter((outcome) => outcome.status === 'differs').length;
      if (differing > 0) {
        fail(
          `${differing} existing topic(s) differ from what was asked; geqo changes no existing topic ` +
            '(kafka-topics.sh --alter adds partitions; a replication factor changes by reassignment)',
        );
      }
      process.stdout.write('kafka topics up to date\n');
    });
};
