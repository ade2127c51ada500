import { adminRequest, type InstanceFlags, instanceOf, instanceOptions } from '../instance-client.ts';
import type { RegisterCommand } from './index.ts';

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
  instanceOptions(dlq.command('list'))
    .description('list dead letters, newest first, with their code and reason')
    .option('--limit <n>', 'how many', '50')
    .option('--pending', 'only those not replayed yet')
    .option('--json', 'print JSON (payloads in base64)')
    .action(
      async (
        flags: InstanceFlags & {
          limit: string;
          pending?: boolean;
          json?: boolean;
        },
      ) => {
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

  instanceOptions(
    dlq.command('replay').argument('<ids...>', 'dead letter ids, or "all" for every pending one'),
  )
    .description('put dead letters back on the stream they came from (after fixing their cause)')
    .option('--force', 'replay again letters already replayed')
    .action(async (ids: string[], flags: InstanceFlags & { force?: boolean }) => {
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
