#!/usr/bin/env node
// `npm run fuzz`: the fuzz suite (test/fuzz) with many more cases than `npm test` runs, then how
// many cases each property ran and how long it all took. GEQO_FUZZ_RUNS (fast properties, in
// all; default 200,000), GEQO_FUZZ_E2E_RUNS (mutated frames sent to a running geqo up; default
// 2,000) and GEQO_FUZZ_SEED (default 1: the seeds of `npm test`) may be set. Exits non-zero when
// a property fails.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const folder = mkdtempSync(join(tmpdir(), 'geqo-fuzz-'));
const tallyFile = join(folder, 'tally.tsv');
const env = {
  ...process.env,
  GEQO_FUZZ_RUNS: process.env.GEQO_FUZZ_RUNS ?? '200000',
  GEQO_FUZZ_E2E_RUNS: process.env.GEQO_FUZZ_E2E_RUNS ?? '2000',
  GEQO_FUZZ_TALLY: tallyFile,
};
console.log(
  `fuzz: ${env.GEQO_FUZZ_RUNS} fast cases, ${env.GEQO_FUZZ_E2E_RUNS} end-to-end frames, seed ${env.GEQO_FUZZ_SEED ?? 1}`,
);
const started = Date.now();
const result = spawnSync('npx', ['vitest', 'run', 'test/fuzz', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env,
});
const seconds = (Date.now() - started) / 1000;

let counts = new Map();
try {
  for (const line of readFileSync(tallyFile, 'utf8').split('\n')) {
    const [property, cases] = line.split('\t');
    if (property && cases) counts.set(property, (counts.get(property) ?? 0) + Number(cases));
  }
} catch {
  counts = new Map();
}
rmSync(folder, { recursive: true, force: true });
console.log('');
for (const [property, cases] of counts)
  console.log(`  ${property.padEnd(20)} ${cases.toLocaleString('en-US').padStart(10)} cases`);
const fast = [...counts]
  .filter(([name]) => !name.startsWith('e2e-'))
  .reduce((sum, [, cases]) => sum + cases, 0);
const e2e = [...counts]
  .filter(([name]) => name.startsWith('e2e-'))
  .reduce((sum, [, cases]) => sum + cases, 0);
const verdict =
  result.status === 0
    ? 'all properties hold'
    : 'a property failed (a failing property stops at its first counterexample: fewer cases ran)';
console.log(
  `fuzz: ${fast.toLocaleString('en-US')} fast cases and ${e2e.toLocaleString('en-US')} end-to-end inputs in ${seconds.toFixed(1)} s: ${verdict}`,
);
process.exit(result.status ?? 1);
