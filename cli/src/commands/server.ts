import { PostgresServerRepository } from '@geqo/shared/adapters/postgres';
import { ServerRegistry } from '@geqo/shared/app/servers';
import type { Command } from 'commander';
import { fail, withDatabase } from '../cli-context.ts';
import { adminRequest, awsInstanceOptions, type InstanceFlags, resolveInstance } from '../instance-client.ts';
import type { RegisterCommand } from './index.ts';

interface ServerFlags extends InstanceFlags {
  /** Straight into this database instead of through a running instance. */
  databaseUrl?: string;
  json?: boolean;
}

interface AddedServer {
  serverId: string;
  name: string;
  token: string;
  /** Where the instance takes this server's plugin and log stream (absent in database mode). */
  pluginUrl?: string;
  logUrl?: string;
}

interface ListedServer {
  id: string;
  name: string;
  createdAt: number;
  revokedAt: number | null;
}

/** With `--database-url`, the command works on that database directly (no instance needed). */
function inDatabase<T>(databaseUrl: string, work: (servers: ServerRegistry) => Promise<T>): Promise<T> {
  return withDatabase({ databaseUrl }, (db) =>
    work(new ServerRegistry(new PostgresServerRepository(db.pool))),
  );
}

export const registerServer: RegisterCommand = (program) => {
  const server = program
    .command('server')
    .description('manage the game servers allowed to send events, on the running instance (--url, GEQO_URL)');
  const options = (command: Command) =>
    awsInstanceOptions(command).option(
      '--database-url <url>',
      'work on this PostgreSQL directly instead of through a running instance',
    );

  options(server.command('add').argument('<name>', 'a name for the server, e.g. "EU #1"'))
    .description('create a server and print its token (shown once, stored hashed)')
    .option('--json', 'print {serverId, name, token, pluginUrl, logUrl} as JSON')
    .action(async (name: string, flags: ServerFlags) => {
      const added: AddedServer = flags.databaseUrl
        ? await inDatabase(flags.databaseUrl, (servers) => servers.add(name))
        : await adminRequest<AddedServer>(await resolveInstance(flags), '/v1/servers', {
            method: 'POST',
            body: { name },
          });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(added)}\n`);
        return;
      }
      const pluginUrl = added.pluginUrl ?? 'ws://<host>:<ingest port>/';
      const logUrl = added.logUrl ?? `http://<host>:<http port>/v1/logs/${added.serverId}/<token>`;
      process.stdout.write(
        [
          `server ${added.serverId} ("${added.name}") created.`,
          `token (shown once; keep it secret):`,
          `  ${added.token}`,
          `plugin:      connect to ${pluginUrl} with header "Authorization: Bearer <token>"`,
          `log stream:  logaddress_add_http "${logUrl}"`,
          `try it:      geqo replay <file.jsonl> --url ${pluginUrl} --token <token>`,
          '',
        ].join('\n'),
      );
    });

  options(server.command('list'))
    .description('list servers')
    .option('--json', 'print JSON')
    .action(async (flags: ServerFlags) => {
      const servers: ListedServer[] = flags.databaseUrl
        ? await inDatabase(flags.databaseUrl, (registry) => registry.list())
        : (await adminRequest<{ servers: ListedServer[] }>(await resolveInstance(flags), '/v1/servers'))
            .servers;
      const rows = servers.map((s) => ({
        id: s.id,
        name: s.name,
        created: new Date(s.createdAt).toISOString(),
        revoked: s.revokedAt ? new Date(s.revokedAt).toISOString() : null,
      }));
      if (flags.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
      else if (rows.length === 0) process.stdout.write('no servers yet: `geqo server add <name>`\n');
      else
        for (const r of rows)
          process.stdout.write(`${r.id}  ${r.revoked ? 'revoked ' : 'active  '} ${r.name}\n`);
    });

  options(server.command('revoke').argument('<serverId>'))
    .description('revoke a server token: new connections with it are refused')
    .action(async (serverId: string, flags: ServerFlags) => {
      if (flags.databaseUrl) {
        const revoked = await inDatabase(flags.databaseUrl, (registry) => registry.revoke(serverId));
        if (!revoked) fail(`no server ${serverId}`);
      } else {
        await adminRequest(await resolveInstance(flags), `/v1/servers/${encodeURIComponent(serverId)}`, {
          method: 'DELETE',
        });
      }
      process.stdout.write(`server ${serverId} revoked\n`);
    });
};
