/**
 * Lambda bundle size and cold-start init time (targets: ≤ 1 MB minified, ≤ 300 ms init).
 *
 * Each `functions/<name>/handler.ts` is bundled the way the CDK app's `NodejsFunction` bundles it
 * (esbuild, platform node, ESM with a `require` shim, minified, external source map, the AWS SDK v3
 * left to the runtime), then imported in a fresh Node process with a plausible environment: the
 * time to evaluate the module (the composition root: config, clients, pools, use cases) is the
 * init phase a cold start pays before the first event. Clients connect lazily, so nothing here
 * needs a network. Run alone with `npx tsx bench/lambda-bundles.ts`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const BUNDLE_TARGET_BYTES = 1_000_000;
export const INIT_TARGET_MS = 300;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Every function the CDK app deploys. */
export const LAMBDA_FUNCTIONS = [
  'ws-authorizer',
  'ws-connect',
  'ws-disconnect',
  'ingest',
  'worker',
  'broadcaster',
  'dashboard-ws',
  'api',
  'dlq-replay',
  'plain-ingest',
  'stats-aggregation',
  'migrate',
] as const;

/** What `loadConfig` needs in each function; nothing is contacted at init. */
const ENVIRONMENT: Record<string, string> = {
  AWS_REGION: 'eu-central-1',
  AWS_ACCESS_KEY_ID: 'AKIDBENCH',
  AWS_SECRET_ACCESS_KEY: 'bench',
  DB_HOST: 'geqo.proxy-bench.eu-central-1.rds.amazonaws.com',
  DB_NAME: 'geqo',
  DB_USER: 'geqo',
  STREAM_ENGINE: 'kinesis',
  DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-central-1.amazonaws.com/123456789012/raw-game-events-dlq',
  DASHBOARD_WS_ENDPOINT: 'https://bench.execute-api.eu-central-1.amazonaws.com/v1',
  LOG_LEVEL: 'warn',
};

const REQUIRE_SHIM =
  "import { createRequire as __geqoCreateRequire } from 'node:module'; const require = __geqoCreateRequire(import.meta.url);";

/**
 * The Kafka client's WebAssembly helpers read `../dist/native.wasm` next to their own file, which a
 * bundle does not have; their `bundled` entry inlines the module instead.
 */
const WASM_ALIAS = { '@platformatic/wasm-utils': '@platformatic/wasm-utils/bundled' };

export interface LambdaBundleFigures {
  name: string;
  /** The minified bundle, without its source map. */
  bytes: number;
  /** Median of the fresh-process import times. */
  initMs: number;
  initRunsMs: number[];
  withinSizeTarget: boolean;
  withinInitTarget: boolean;
}

export interface LambdaBundleBenchOptions {
  functions?: readonly string[];
  /** Fresh processes per function (median reported). Default 3. */
  runs?: number;
  /** Where bundles go; inside the repository so the SDK resolves from its node_modules. */
  outdir?: string;
  keepBundles?: boolean;
}

/**
 * Bundles `functions/<name>/handler.ts` of each name, as the CDK app does, in one esbuild run, into
 * `<outdir>/<name>/index.mjs`; returns the files in the order of `names`. `outdir` must be inside
 * the repository, so the AWS SDK (left out of the bundle, as the Lambda runtime provides it)
 * resolves from its node_modules.
 */
export async function bundleLambdas(names: readonly string[], outdir: string): Promise<string[]> {
  // Loaded here, not at the top: esbuild is a dev dependency, and every `geqo` command loads this
  // module (an install without dev dependencies, as in the Dockerfile, must start).
  const { build } = await import('esbuild');
  await build({
    entryPoints: Object.fromEntries(
      names.map((name) => [`${name}/index`, join(ROOT, 'functions', name, 'handler.ts')]),
    ),
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    sourcemap: 'external',
    mainFields: ['module', 'main'],
    external: ['@aws-sdk/*', 'pg-native'],
    banner: { js: REQUIRE_SHIM },
    alias: WASM_ALIAS,
    logLevel: 'error',
  });
  return names.map((name) => join(outdir, name, 'index.mjs'));
}

async function bundle(name: string, outdir: string): Promise<string> {
  const [file] = await bundleLambdas([name], outdir);
  return file!;
}

/** Imports the bundle in a new Node process and reports how long the import took. */
function measureInit(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const output = execFileSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', ...ENVIRONMENT },
    encoding: 'utf8',
  });
  return Number(output);
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** Builds and measures every function's bundle. */
export async function runLambdaBundleBench(
  options: LambdaBundleBenchOptions = {},
): Promise<LambdaBundleFigures[]> {
  const outdir = options.outdir ?? join(ROOT, '.geqo', 'bench', 'lambda-bundles');
  const runs = options.runs ?? 3;
  mkdirSync(outdir, { recursive: true });
  const figures: LambdaBundleFigures[] = [];
  try {
    for (const name of options.functions ?? LAMBDA_FUNCTIONS) {
      const file = await bundle(name, outdir);
      const bytes = statSync(file).size;
      const initRunsMs = Array.from({ length: runs }, () => measureInit(file));
      const initMs = median(initRunsMs);
      figures.push({
        name,
        bytes,
        initMs,
        initRunsMs,
        withinSizeTarget: bytes <= BUNDLE_TARGET_BYTES,
        withinInitTarget: initMs <= INIT_TARGET_MS,
      });
    }
  } finally {
    if (!options.keepBundles) rmSync(outdir, { recursive: true, force: true });
  }
  return figures;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await runLambdaBundleBench();
  const width = Math.max('function'.length, ...figures.map((f) => f.name.length));
  console.log(`${'function'.padEnd(width)} ${'bundle'.padStart(10)} ${'init (median)'.padStart(14)}`);
  for (const f of figures) {
    const size = `${(f.bytes / 1024).toFixed(1)} KiB`;
    const flag = f.withinSizeTarget && f.withinInitTarget ? '' : '  over target';
    console.log(
      `${f.name.padEnd(width)} ${size.padStart(10)} ${`${f.initMs.toFixed(1)} ms`.padStart(14)}${flag}`,
    );
  }
  console.log(`targets: ≤ ${BUNDLE_TARGET_BYTES / 1_000_000} MB minified, ≤ ${INIT_TARGET_MS} ms init`);
  if (figures.some((f) => !f.withinSizeTarget || !f.withinInitTarget)) process.exitCode = 1;
}
