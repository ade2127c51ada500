/**
 * `npm run bench` / `geqo bench`: every benchmark of the project in one run, each printing its
 * figures with their targets. Figures come from measurement on this machine, never from tests.
 */
import { runCodecBench } from './codec-bench.ts';
import { runDashboardBench } from './dashboard-bench.ts';
import { DEFAULT_E2E_OPTIONS, runE2eBench } from './e2e-bench.ts';
import { runLambdaBundleBench } from './lambda-bundles.ts';
import { runLogParserBench } from './log-parser-bench.ts';
import { runMultiProcessBench } from './multi-process-bench.ts';
import { type Figure, formatFigure, passes } from './stats.ts';
import { runSummaryBench } from './summary-bench.ts';
import { runWorkerBench } from './worker-bench.ts';

export const BENCH_SECTIONS = [
  'codec',
  'log-parser',
  'worker',
  'e2e',
  'multi-process',
  'summary',
  'dashboard',
  'lambda',
] as const;
export type BenchSection = (typeof BENCH_SECTIONS)[number];

export interface RunBenchOptions {
  only?: BenchSection[];
  connections?: number;
  rounds?: number;
  targetRate?: number;
  sustainedRepeats?: number;
  log: (line: string) => void;
  print: (line: string) => void;
}

export async function runBench(options: RunBenchOptions): Promise<{ figures: Figure[]; failed: number }> {
  const wanted = (section: BenchSection) => !options.only || options.only.includes(section);
  const figures: Figure[] = [];
  const section = (name: string, found: Figure[]) => {
    options.print(`\n${name}`);
    for (const figure of found) options.print(formatFigure(figure));
    figures.push(...found);
  };

  if (wanted('codec')) {
    options.log('codec: decoding LZ4 frames of 100 events…');
    const codec = await runCodecBench({ log: () => {} });
    section('Codec (Lz4BlockArray frames of 100 events, one core)', [
      {
        name: 'ceiling: msgpackr + lz4js, no validation',
        value: Math.round(codec.ceiling.eventsPerSecond),
        unit: 'events/s',
      },
      { name: 'ceiling: wire throughput', value: codec.ceiling.megabytesPerSecond, unit: 'MB/s' },
      {
        name: 'codec: decodeFrame, validated',
        value: Math.round(codec.codec.eventsPerSecond),
        unit: 'events/s',
      },
      { name: 'codec: wire throughput', value: codec.codec.megabytesPerSecond, unit: 'MB/s' },
      {
        name: 'codec / ceiling',
        value: Math.round(codec.ratio * 1000) / 10,
        unit: '%',
        target: { op: '>=', value: codec.target * 100 },
      },
    ]);
  }
  if (wanted('log-parser')) {
    options.log('log parser: parsing the fixture log repeatedly…');
    const parser = await runLogParserBench({});
    section('CS2 log parser (one core)', [
      {
        name: 'log parser',
        value: parser.linesPerSecond,
        unit: 'lines/s',
        target: { op: '>=', value: parser.target },
      },
    ]);
  }
  if (wanted('worker')) {
    section(
      'Worker alone (pre-filled durable stream -> PostgreSQL)',
      await runWorkerBench({ matches: 10, rounds: options.rounds ?? 8, log: options.log }),
    );
    // As the soak's traffic comes: 50 servers at once, small frames, `geqo up`'s batch size.
    section(
      'Worker alone, 50 servers interleaved (30-event frames, batches of 40 records)',
      await runWorkerBench({
        matches: 50,
        rounds: 4,
        log: options.log,
        interleaved: true,
        frameEvents: 30,
        batchSize: 40,
        label: 'worker, 50 servers',
      }),
    );
  }
  if (wanted('e2e')) {
    const e2e = await runE2eBench({
      ...DEFAULT_E2E_OPTIONS,
      ...(options.connections ? { connections: options.connections } : {}),
      ...(options.rounds ? { rounds: options.rounds } : {}),
      ...(options.targetRate ? { targetRate: options.targetRate } : {}),
      ...(options.sustainedRepeats ? { sustainedRepeats: options.sustainedRepeats } : {}),
      log: options.log,
    });
    section('End to end against geqo up (replay clients and dashboard on the same machine)', e2e);
  }
  if (wanted('multi-process')) {
    section(
      'Several processes on Kafka (geqo up --role worker; broker, PostgreSQL and workers on this machine)',
      await runMultiProcessBench({ rounds: options.rounds ?? 8, rebalances: 5, log: options.log }),
    );
  }
  if (wanted('summary')) {
    section(
      'Statistics (a stored match summary from geqo up; geqo analyze on a large synthetic file)',
      await runSummaryBench({ log: options.log }),
    );
  }
  if (wanted('dashboard')) {
    section(
      'Dashboard (bundle as served; a finished match opened in Chromium against geqo up)',
      await runDashboardBench({ log: options.log }),
    );
  }
  if (wanted('lambda')) {
    options.log('lambda: bundling each handler with esbuild and importing it in fresh processes…');
    const bundles = await runLambdaBundleBench({});
    section(
      'Lambda bundles (minified; init = import in a fresh Node process, median)',
      bundles.flatMap((bundle) => [
        {
          name: `${bundle.name}: bundle`,
          value: Math.round(bundle.bytes / 1024),
          unit: 'KiB',
          target: { op: '<=', value: 1_000_000 / 1024 },
        },
        {
          name: `${bundle.name}: init`,
          value: Math.round(bundle.initMs),
          unit: 'ms',
          target: { op: '<=', value: 300 },
        },
      ]) as Figure[],
    );
  }
  const failed = figures.filter((figure) => passes(figure) === false).length;
  options.print(`\n${figures.filter((f) => passes(f) === true).length} targets met, ${failed} missed`);
  return { figures, failed };
}
