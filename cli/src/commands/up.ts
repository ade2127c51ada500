import { readFileSync } from 'node:fs';
import { createLogger } from '@geqo/shared/adapters/logging';
import { Option } from 'commander';
import type { LocalConfig } from '../../../local/src/config.ts';
import { parseRoles, ROLES, type Role, splitRoleProblems } from '../../../local/src/roles/roles.ts';
import { type Runtime, startRuntime } from '../../../local/src/runtime.ts';
import { configFrom, fail, parsePort } from '../cli-context.ts';
import type { RegisterCommand } from './index.ts';

export const registerUp: RegisterCommand = (program) => {
  program
    .command('up')
    .description(
      'run the whole platform in this process: plugin ingest (WebSocket), worker, broadcaster, REST API and dashboard, on an embedded PostgreSQL unless DATABASE_URL is set; ' +
        'with --role, only some of it, beside other processes on Kafka and one PostgreSQL',
    )
    .option(
      '--role <roles>',
      `what this process runs, comma-separated: ${ROLES.join(', ')} (GEQO_ROLES, default all). ` +
        'Split roles need --stream kafka (kinesis: ingest and api only) and DATABASE_URL (exit 2 without); every process answers ' +
        '/healthz and /metrics on its HTTP port, only ingest opens the plugin port',
    )
    .option('--host <address>', 'address to listen on (GEQO_HOST)')
    .option('--ingest-port <port>', 'plugin WebSocket port (GEQO_INGEST_PORT, default 13880)', parsePort)
    .option('--http-port <port>', 'REST API / dashboard port (GEQO_HTTP_PORT, default 8080)', parsePort)
    .option('--pg-port <port>', 'embedded PostgreSQL port (GEQO_PG_PORT, default 54329)', parsePort)
    .addOption(
      new Option('--stream <engine>', 'raw event stream (GEQO_STREAM, default postgres: durable)').choices([
        'postgres',
        'memory',
        'kinesis',
        'kafka',
      ]),
    )
    .option('--brokers <list>', 'Kafka bootstrap brokers, comma-separated (GEQO_KAFKA_BROKERS)')
    .option('--database-url <url>', 'use this PostgreSQL instead of the embedded one (DATABASE_URL)')
    .option('--data-dir <dir>', 'where the embedded PostgreSQL keeps its data (GEQO_DATA_DIR, default .geqo)')
    .addOption(
      new Option('--log-level <level>', 'GEQO_LOG_LEVEL').choices([
        'debug',
        'info',
        'warn',
        'error',
        'silent',
      ]),
    )
    .addOption(
      new Option(
        '--log-format <format>',
        'GEQO_LOG_FORMAT: readable lines on a terminal, JSON lines otherwise (auto)',
      ).choices(['auto', 'json', 'pretty']),
    )
    .action(async (flags) => {
      const { pgPort, brokers, role, ...rest } = flags;
      if (pgPort === 0) fail('--pg-port: the embedded PostgreSQL needs a fixed port (1 to 65535)');
      const roleProblems: string[] = [];
      const roles = role === undefined ? undefined : parseRoles(String(role), roleProblems, '--role');
      if (roleProblems.length > 0) fail(roleProblems.join('; '));
      const config = configFrom({
        ...rest,
        ...(roles === undefined ? {} : { roles }),
        ...(pgPort === undefined ? {} : { embeddedPostgresPort: pgPort }),
        ...(brokers ? { kafkaBrokers: String(brokers).split(',') } : {}),
      });
      const missing = splitRoleProblems(config);
      if (missing.length > 0) {
        // A usage error (exit 2), named before anything starts.
        process.stderr.write(`geqo: ${missing.join('\ngeqo: ')}\n`);
        process.exit(2);
      }
      const format =
        config.logFormat === 'auto' ? (process.stdout.isTTY === true ? 'pretty' : 'json') : config.logFormat;
      const logger = createLogger({ level: config.logLevel, name: 'geqo', format });
      // Resolved here, where the terminal is known: the worker thread logs the same way.
      const runtime = await startRuntime({ ...config, logFormat: format }, logger);
      process.stderr.write(banner(config, runtime));
      let signals = 0;
      const shutdown = (signal: string) => {
        signals += 1;
        if (signals > 1) {
          process.stderr.write('geqo: forced exit\n');
          process.exit(130);
        }
        logger.info('signal received', { signal });
        runtime.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            process.stderr.write(`geqo: shutdown failed: ${String(error)}\n`);
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => shutdown('SIGINT'));
      process.on('SIGTERM', () => shutdown('SIGTERM'));
    });
};

function version(): string {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    return String((manifest as { version?: unknown }).version ?? '');
  } catch {
    return '';
  }
}

/** What a person needs after `geqo up`: where each door of its roles is, and where the data lives. */
export function banner(config: Pick<LocalConfig, 'host' | 'dataDir'>, runtime: Runtime): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const http = `http://${host}:${runtime.httpPort}`;
  const database = new URL(runtime.databaseUrl);
  database.password = '';
  const data =
    runtime.postgresDataDir === null
      ? config.dataDir
      : `${config.dataDir} (PostgreSQL data: ${runtime.postgresDataDir})`;
  const has = (role: Role) => runtime.roles.includes(role);
  const all = ROLES.every(has);
  return [
    '',
    `  Geqo Observer ${version()} is up.`,
    ...(all ? [] : [`  roles:       ${runtime.roles.join(',')}`]),
    ...(has('api') ? [`  dashboard:   ${http}/`, `  REST API:    ${http}/v1/matches`] : []),
    ...(has('ingest') && runtime.ingestPort !== null
      ? [
          `  plugins:     ws://${host}:${runtime.ingestPort}/  (Authorization: Bearer <token>)`,
          `  log stream:  ${http}/v1/logs/<serverId>/<token>  (logaddress_add_http)`,
        ]
      : []),
    ...(has('api') ? [] : [`  health:      ${http}/healthz  (metrics: /metrics)`]),
    `  data:        ${data}`,
    `  database:    ${runtime.postgresDataDir === null ? '' : 'embedded '}${database.toString()}`,
    has('api')
      ? `  Add a server with \`npx geqo server add <name> --url ${http}\`; press Ctrl-C to stop.`
      : '  Press Ctrl-C to stop.',
    '',
    '',
  ].join('\n');
}
