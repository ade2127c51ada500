import { fail } from '../cli-context.ts';
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

async function call(
  url: string,
  path: string,
  init: RequestInit & { adminToken?: string },
): Promise<unknown> {
  // X-Geqo-Admin: a header no other site's page can make a browser send (the CSRF check).
  const headers: Record<string, string> = init.adminToken
    ? { Authorization: `Bearer ${init.adminToken}`, 'X-Geqo-Admin': '1' }
    : { 'X-Geqo-Admin': '1' };
  let response: Response;
  try {
    response = await fetch(new URL(path, url), { ...init, headers });
  } catch (error) {
    fail(`cannot reach ${url} (${(error as Error).message}); is \`geqo up\` running?`);
  }
  const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!response.ok) fail(`${response.status}: ${body.error?.message ?? response.statusText}`);
  return body;
}

export const registerDlq: RegisterCommand = (program) => {
  const dlq = program
    .command('dlq')
    .description('inspect and replay dead letters (records the worker could never process)');
  const common = (command: ReturnType<typeof dlq.command>) =>
    command
      .option('--url <url>', 'the REST API of geqo up', 'http://localhost:8080')
      .option(
        '--admin-token <token>',
        'admin bearer token (GEQO_ADMIN_TOKEN; not needed on loopback)',
        process.env.GEQO_ADMIN_TOKEN,
      );

  common(dlq.command('list'))
    .description('list dead letters, newest first, with their code and reason')
    .option('--limit <n>', 'how many', '50')
    .option('--pending', 'only those not replayed yet')
    .option('--json', 'print JSON (payloads in base64)')
    .action(
      async (flags: {
        url: string;
        adminToken?: string;
        limit: string;
        pending?: boolean;
        json?: boolean;
      }) => {
        const query = new URLSearchParams({
          limit: flags.limit,
          ...(flags.pending ? { pending: 'true' } : {}),
        });
        const body = (await call(flags.url, `/v1/dead-letters?${query}`, {
          adminToken: flags.adminToken,
        })) as {
          deadLetters: DeadLetterJson[];
        };
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

  common(dlq.command('replay').argument('<ids...>', 'dead letter ids, or "all" for every pending one'))
    .description('put dead letters back on the stream they came from (after fixing their cause)')
    .option('--force', 'replay again letters already replayed')
    .action(async (ids: string[], flags: { url: string; adminToken?: string; force?: boolean }) => {
      let targets = ids;
      if (ids.length === 1 && ids[0] === 'all') {
        const body = (await call(flags.url, '/v1/dead-letters?pending=true&limit=1000', {
          adminToken: flags.adminToken,
        })) as {
          deadLetters: DeadLetterJson[];
        };
        targets = body.deadLetters.map((letter) => String(letter.id)).reverse();
      }
      for (const id of targets) {
        await call(
          flags.url,
          `/v1/dead-letters/${encodeURIComponent(id)}/replay${flags.force ? '?force=true' : ''}`,
          {
            method: 'POST',
            adminToken: flags.adminToken,
          },
        );
        process.stdout.write(`replayed #${id}\n`);
      }
    });
};
