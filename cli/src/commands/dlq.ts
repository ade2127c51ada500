import {
  type DeadLetterOnTopic,
  deadLetterTopicOf,
  KafkaDeadLetterReplays,
  KafkaStreamProducer,
  readDeadLetterTopic,
} from '@geqo/shared/adapters/kafka';
import type { Command } from 'commander';
import { configFrom, fail } from '../cli-context.ts';
import { adminRequest, type InstanceFlags, instanceOf, instanceOptions } from '../instance-client.ts';
import type { RegisterCommand } from './index.ts';

/** `--kafka`: read the dead-letter topic (`<raw stream>-dlq`) instead of an instance's table. */
interface KafkaFlags {
  kafka?: boolean;
  brokers?: string;
}

function kafkaOptions(command: Command): Command {
  return command
    .option(
      '--kafka',
      'use the dead-letter topic (raw-game-events-dlq, from GEQO_RAW_STREAM) of a Kafka deployment instead of the instance; ids are <partition>:<offset>',
    )
    .option('--brokers <list>', 'Kafka bootstrap brokers with --kafka (GEQO_KAFKA_BROKERS)');
}

function kafkaTopicOf(flags: KafkaFlags): { brokers: string[]; topic: string } {
  const config = configFrom({
    stream: 'kafka',
    ...(flags.brokers ? { kafkaBrokers: flags.brokers.split(',').map((b) => b.trim()) } : {}),
  });
  return { brokers: config.kafkaBrokers, topic: deadLetterTopicOf(config.rawStream) };
}

/** The letters on the topic, the not yet replayed ones only with `pending`. */
async function lettersOnTopic(flags: KafkaFlags, pending: boolean): Promise<DeadLetterOnTopic[]> {
  const { brokers, topic } = kafkaTopicOf(flags);
  const replays = new KafkaDeadLetterReplays({ brokers, topic });
  try {
    const after = pending ? await replays.replayedUpTo() : undefined;
    return await readDeadLetterTopic({ brokers, topic, ...(after ? { after } : {}) });
  } catch (error) {
    // No broker there, or no such topic (geqo kafka init makes it).
    return fail(
      `cannot read ${topic} at ${brokers.join(',')}: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    await replays.close();
  }
}

function letterJson(letter: DeadLetterOnTopic) {
  return {
    id: letter.id,
    serverId: letter.partitionKey,
    stream: letter.stream,
    shard: letter.shard,
    position: letter.position,
    code: letter.code,
    reason: letter.reason,
    failedAt: new Date(letter.failedAt).toISOString(),
    payloadBytes: letter.payload.byteLength,
    payloadBase64: Buffer.from(letter.payload).toString('base64'),
  };
}

/** Puts letters of the topic back on the streams they came from; `all` marks them replayed. */
async function replayFromTopic(ids: string[], flags: KafkaFlags): Promise<void> {
  const { brokers, topic } = kafkaTopicOf(flags);
  const all = ids.length === 1 && ids[0] === 'all';
  const letters = await lettersOnTopic(flags, all);
  const chosen = all ? letters : ids.map((id) => letters.find((letter) => letter.id === id) ?? id);
  const unknown = chosen.filter((letter): letter is string => typeof letter === 'string');
  if (unknown.length > 0) fail(`no dead letter ${unknown.join(', ')} on ${topic}`);
  const producer = new KafkaStreamProducer({ brokers, clientId: 'geqo-dlq-replay' });
  const replays = new KafkaDeadLetterReplays({ brokers, topic });
  try {
    for (const letter of chosen as DeadLetterOnTopic[]) {
      await producer.put(letter.stream, [{ partitionKey: letter.partitionKey, data: letter.payload }]);
      process.stdout.write(`replayed ${letter.id}\n`);
    }
    if (all) await replays.markReplayed(chosen as DeadLetterOnTopic[]);
  } finally {
    await replays.close();
    await producer.close();
  }
}

interface DeadLetterJson {
  id: number;
  serverId: string;
  position: string;
  code: string;
  reason: string;
  failedAt: string;
  replayedAt: string | null;
  payloadBytes: number;
}

export const registerDlq: RegisterCommand = (program) => {
  const dlq = program
    .command('dlq')
    .description('inspect and replay dead letters (records the worker could never process)');
  kafkaOptions(instanceOptions(dlq.command('list')))
    .description('list dead letters, newest first, with their code and reason')
    .option('--limit <n>', 'how many', '50')
    .option('--pending', 'only those not replayed yet')
    .option('--json', 'print JSON (payloads in base64)')
    .action(
      async (
        flags: InstanceFlags &
          KafkaFlags & {
            limit: string;
            pending?: boolean;
            json?: boolean;
          },
      ) => {
        if (flags.kafka) {
          const letters = (await lettersOnTopic(flags, flags.pending === true))
            .reverse()
            .slice(0, Number(flags.limit) || 50);
          if (flags.json) {
            process.stdout.write(`${JSON.stringify(letters.map(letterJson))}\n`);
            return;
          }
          if (letters.length === 0) process.stdout.write('no dead letters\n');
          for (const letter of letters.map(letterJson)) {
            process.stdout.write(
              `${letter.id}  ${letter.failedAt}  ${letter.serverId}  ${letter.code}  ${letter.payloadBytes} B\n     ${letter.reason}\n`,
            );
          }
          return;
        }
        const query = new URLSearchParams({
          limit: flags.limit,
          ...(flags.pending ? { pending: 'true' } : {}),
        });
        const body = await adminRequest<{ deadLetters: DeadLetterJson[] }>(
          instanceOf(flags),
          `/v1/dead-letters?${query}`,
        );
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(body.deadLetters)}\n`);
          return;
        }
        if (body.deadLetters.length === 0) process.stdout.write('no dead letters\n');
        for (const letter of body.deadLetters) {
          process.stdout.write(
            `#${letter.id}  ${letter.failedAt}  ${letter.serverId}  ${letter.code}  ${letter.payloadBytes} B${letter.replayedAt ? '  (replayed)' : ''}\n     ${letter.reason}\n`,
          );
        }
      },
    );

  kafkaOptions(
    instanceOptions(
      dlq.command('replay').argument('<ids...>', 'dead letter ids, or "all" for every pending one'),
    ),
  )
    .description('put dead letters back on the stream they came from (after fixing their cause)')
    .option('--force', 'replay again letters already replayed')
    .action(async (ids: string[], flags: InstanceFlags & KafkaFlags & { force?: boolean }) => {
      if (flags.kafka) {
        await replayFromTopic(ids, flags);
        return;
      }
      const instance = instanceOf(flags);
      let targets = ids;
      if (ids.length === 1 && ids[0] === 'all') {
        const body = await adminRequest<{ deadLetters: DeadLetterJson[] }>(
          instance,
          '/v1/dead-letters?pending=true&limit=1000',
        );
        targets = body.deadLetters.map((letter) => String(letter.id)).reverse();
      }
      for (const id of targets) {
        await adminRequest(
          instance,
          `/v1/dead-letters/${encodeURIComponent(id)}/replay${flags.force ? '?force=true' : ''}`,
          { method: 'POST', body: {} },
        );
        process.stdout.write(`replayed #${id}\n`);
      }
    });
};
