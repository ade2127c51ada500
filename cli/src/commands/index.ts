import type { Command } from 'commander';

/** Adds one command (with its options and `--help`) to the program. */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [];
