import { Option } from 'commander';
import { BENCH_SECTIONS, type BenchSection, runBench } from '../../../bench/run-bench.ts';
import type { RegisterCommand } from './index.ts';

const positive = (value: string) => {
  const number = Number.parseInt(value, 10);
  if (!Number.isInteger(number) || number <= 0) throw new Error(`"${value}" is not a positive integer`);
  return number;
};

export const registerBench: RegisterCommand = (program) => {
  program
    .command('bench')
    .description('run the benchmarks and print their figures against the targets (takes a few minutes)')
    .addOption(new Option('--only <sections...>', 'run only these sections').choices([...BENCH_SECTIONS]))
    .option('--connections <n>', 'end to end: replay connections (default 20)', positive)
    .option('--rounds <n>', 'end to end: rounds of each synthetic match (default 8)', positive)
    .option('--rate <events/s>', 'end to end: offered load of the sustained phase (default 30000)', positive)
    .option(
      '--sustained-runs <n>',
      'end to end: runs of the sustained phase, latencies pooled (default 3)',
      positive,
    )
    .option('--json', 'also print every figure as JSON')
    .action(
      async (flags: {
        only?: BenchSection[];
        connections?: number;
        rounds?: number;
        rate?: number;
        sustainedRuns?: number;
        json?: boolean;
      }) => {
        const { figures, failed } = await runBench({
          ...(flags.only ? { only: flags.only } : {}),
          ...(flags.connections ? { connections: flags.connections } : {}),
          ...(flags.rounds ? { rounds: flags.rounds } : {}),
          ...(flags.rate ? { targetRate: flags.rate } : {}),
          ...(flags.sustainedRuns ? { sustainedRepeats: flags.sustainedRuns } : {}),
          log: (line) => process.stderr.write(`${line}\n`),
          print: (line) => process.stdout.write(`${line}\n`),
        });
        if (flags.json) process.stdout.write(`${JSON.stringify(figures)}\n`);
        if (failed > 0) process.exitCode = 1;
      },
    );
};
