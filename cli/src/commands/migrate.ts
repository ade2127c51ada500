import { Option } from 'commander';
import { withDatabase } from '../cli-context.ts';
import type { RegisterCommand } from './index.ts';

export const registerMigrate: RegisterCommand = (program) => {
  program
    .command('migrate')
    .description('apply the database migrations (geqo up does this too); safe to run any time')
    .option('--database-url <url>', 'PostgreSQL to migrate (DATABASE_URL); default: the embedded one')
    .option('--data-dir <dir>', 'embedded PostgreSQL data folder (GEQO_DATA_DIR, default .geqo)')
    .addOption(new Option('--log-level <level>').choices(['debug', 'info', 'warn', 'error']).default('info'))
    .action(async (flags) => {
      const report = await withDatabase(flags, async (db) => db.migration);
      process.stdout.write(
        `schema at version ${report.current}; applied now: ${
          report.applied.map((m) => `${m.version} (${m.name})`).join(', ') || 'none'
        }; game_events: ${report.capabilities.timescale ? 'TimescaleDB hypertable' : 'native range partitions'}\n`,
      );
    });
};
