import { createLogger } from '@geqo/shared/adapters/logging';
import { Option } from 'commander';
import { startRuntime } from '../../../local/src/runtime.ts';
import { configFrom, parsePort } from '../cli-context.ts';
import type { RegisterCommand } from './index.ts';

export const registerUp: RegisterCommand = (program) => {
  program
    .command('up')
    .description(
      'run the whole platform in this process: plugin ingest (WebSocket), worker, broadcaster, REST API and dashboard, on an embedded PostgreSQL unless DATABASE_URL is set',
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
    .action(async (flags) => {
      const { pgPort, brokers, ...rest } = flags;
      const config = configFrom({
        ...rest,
        ...(pgPort === undefined ? {} : { embeddedPostgresPort: pgPort }),
        ...(brokers ? { kafkaBrokers: String(brokers).split(',') } : {}),
      });
      const logger = createLogger({ level: config.logLevel, name: 'geqo' });
      const runtime = await startRuntime(config, logger);
      process.stderr.write(
        [
          '',
          `  Geqo Observer is up.`,
          `  plugins:    ws://localhost:${runtime.ingestPort}/  (Authorization: Bearer <token>)`,
          `  dashboard:  http://localhost:${runtime.httpPort}/`,
          `  REST API:   http://localhost:${runtime.httpPort}/v1/matches`,
          '  Add a server with `npx geqo server add <name>`; press Ctrl-C to stop.',
          '',
        ].join('\n'),
      );
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
