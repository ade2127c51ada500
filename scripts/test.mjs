#!/usr/bin/env node
// The one test command: typecheck, lint, unit and integration tests, then a closing
// `N passed, N failed` line. Exits non-zero when any step fails.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const only = args.find((arg) => !arg.startsWith('-'));
const steps = [];
const run = (name, command, commandArgs) => {
  const started = Date.now();
  console.log(`\n== ${name}: ${command} ${commandArgs.join(' ')}`);
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', env: process.env });
  const ok = result.status === 0;
  steps.push({ name, ok, seconds: (Date.now() - started) / 1000 });
  return ok;
};

const reportDir = mkdtempSync(join(tmpdir(), 'geqo-test-'));
const report = join(reportDir, 'vitest.json');
// What the integration tests need beyond node_modules (Chromium, the Kafka broker's jars): a
// no-op once present. GEQO_SKIP_PREPARE=1 skips it.
if (!process.env.GEQO_SKIP_PREPARE)
  run('prepare test services', 'bash', ['scripts/prepare-test-services.sh']);
if (!only) {
  run('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json']);
  run('lint', 'npx', ['biome', 'check', '.']);
}
const vitestArgs = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`];
if (only) vitestArgs.push(only);
run('tests', 'npx', vitestArgs);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed = json.numPassedTests;
  failed = json.numFailedTests + (json.numRuntimeErrorTestSuites ?? 0);
  skipped = json.numPendingTests + json.numTodoTests;
  if (json.numTotalTests === 0) failed += 1;
} catch {
  failed += 1;
}
rmSync(reportDir, { recursive: true, force: true });
for (const step of steps.filter((s) => s.name !== 'tests')) {
  if (!step.ok) failed += 1;
}
console.log('');
for (const step of steps)
  console.log(`${step.ok ? 'ok  ' : 'FAIL'} ${step.name} (${step.seconds.toFixed(1)} s)`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 && steps.every((s) => s.ok) ? 0 : 1);
