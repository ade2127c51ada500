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

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Expected failures (bad configuration, an unreachable database, a bad file) end with their
  // message, not a stack trace; GEQO_DEBUG=1 shows the stack.
  process.stderr.write(`geqo: ${error instanceof Error ? error.message : String(error)}\n`);
  if (process.env.GEQO_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
}
