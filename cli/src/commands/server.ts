import { PostgresServerRepository } from '@geqo/shared/adapters/postgres';
import { ServerRegistry } from '@geqo/shared/app/servers';
import { type DatabaseFlags, fail, withDatabase } from '../cli-context.ts';
import type { RegisterCommand } from './index.ts';

const registryOf = (pool: ConstructorParameters<typeof PostgresServerRepository>[0]) =>
  new ServerRegistry(new PostgresServerRepository(pool));

export const registerServer: RegisterCommand = (program) => {
  const server = program.command('server').description('manage the game servers allowed to send events');
  const dbOptions = (command: ReturnType<typeof server.command>) =>
    command
      .option('--database-url <url>', 'PostgreSQL (DATABASE_URL); default: the embedded one')
      .option('--data-dir <dir>', 'embedded PostgreSQL data folder (GEQO_DATA_DIR, default .geqo)');

  dbOptions(server.command('add').argument('<name>', 'a name for the server, e.g. "EU #1"'))
    .description('create a server and print its token (shown once, stored hashed)')
    .option('--json', 'print {serverId, name, token} as JSON')
    .action(async (name: string, flags: DatabaseFlags & { json?: boolean }) => {
      const added = await withDatabase(flags, (db) => registryOf(db.pool).add(name));
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(added)}\n`);
        return;
      }
      process.stdout.write(
        [
          `server ${added.serverId} ("${added.name}") created.`,
          `token (shown once; keep it secret):`,
          `  ${added.token}`,
          `plugin: connect to ws://<host>:13880/ with header "Authorization: Bearer <token>"`,
          '',
        ].join('\n'),
      );
    });

  dbOptions(server.command('list'))
    .description('list servers')
    .option('--json', 'print JSON')
    .action(async (flags: DatabaseFlags & { json?: boolean }) => {
      const servers = await withDatabase(flags, (db) => registryOf(db.pool).list());
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

  dbOptions(server.command('revoke').argument('<serverId>'))
    .description('revoke a server token: new connections with it are refused')
    .action(async (serverId: string, flags: DatabaseFlags) => {
      const revoked = await withDatabase(flags, (db) => registryOf(db.pool).revoke(serverId));
      if (!revoked) fail(`no server ${serverId}`);
      process.stdout.write(`server ${serverId} revoked\n`);
    });
};
