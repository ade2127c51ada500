import type { Command } from 'commander';
import { registerAnalyze } from './analyze.ts';
import { registerAws } from './aws.ts';
import { registerBench } from './bench.ts';
import { registerDlq } from './dlq.ts';
import { registerKafka } from './kafka.ts';
import { registerMigrate } from './migrate.ts';
import { registerReplay } from './replay.ts';
import { registerServer } from './server.ts';
import { registerUp } from './up.ts';

/** Adds one command (with its options and `--help`) to the program. */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  registerUp,
  registerMigrate,
  registerServer,
  registerReplay,
  registerAnalyze,
  registerBench,
  registerDlq,
  registerKafka,
  registerAws,
];
