/**
 * `geqo`: the command line. Each command lives in `commands/<name>.ts` and exports `register`.
 */
import { Command } from 'commander';
import { commands } from './commands/index.ts';

const program = new Command()
  .name('geqo')
  .description('Geqo Observer: real-time telemetry and analytics for Counter-Strike 2 servers')
  .version('0.1.0')
  .showHelpAfterError();

for (const register of commands) register(program);

await program.parseAsync(process.argv);
