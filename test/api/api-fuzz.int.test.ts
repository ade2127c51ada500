/**
 * A schema-driven fuzz run of the REST API: schemathesis (PyPI; `scripts/prepare-test-services.sh`
 * installs a pinned version in `.cache/schemathesis`) reads `GET /v1/openapi.json` from a running
 * `geqo up` (its defaults: embedded PostgreSQL, in-process stream) and sends every operation
 * generated valid and invalid requests, then follows the document's links (a listed match to its
 * rounds, events and summary, a new server to its log route). No answer may be a 500, and the
 * process must outlive the run. The examples per operation are bounded so the run takes under a
 * minute; `GEQO_API_FUZZ_EXAMPLES` and `GEQO_API_FUZZ_SEED` change them.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  type RuntimeProcess,
  startRuntimeProcess,
} from '../../local/src/process/runtime-process.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SCHEMATHESIS = join(ROOT, '.cache/schemathesis/bin/st');
const EXAMPLES = process.env.GEQO_API_FUZZ_EXAMPLES ?? '20';
const SEED = process.env.GEQO_API_FUZZ_SEED ?? '15';

/** Runs a command to its end: its exit code and what it wrote. */
function run(command: string, args: string[], options: { cwd?: string; timeoutMs: number }) {
  return new Promise<{ code: number | null; output: string }>((done, fail) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.once('error', fail);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

let dataDir: string;
let workDir: string;
let runtime: RuntimeProcess;
let api: string;
/** The token of the server the fuzz run's requests come from. */
let token: string;

beforeAll(async () => {
  if (!existsSync(SCHEMATHESIS)) {
    throw new Error(
      'schemathesis not found: run `bash scripts/prepare-test-services.sh` (it installs it in .cache)',
    );
  }
  dataDir = mkdtempSync(join(tmpdir(), 'geqo-api-fuzz-'));
  // As root, the embedded server runs as user postgres, which must reach its data folder.
  chmodSync(dataDir, 0o755);
  workDir = mkdtempSync(join(tmpdir(), 'geqo-api-fuzz-run-'));
  runtime = await startRuntimeProcess({
    dataDir,
    env: { DATABASE_URL: '', GEQO_PG_PORT: String(await freePort()) },
  });
  api = `http://127.0.0.1:${runtime.httpPort}`;
  // A server and a short match, so the links lead to stored data and not only to 404s.
  const added = await fetch(`${api}/v1/servers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'fuzz' }),
  });
  ({ token } = (await added.json()) as { token: string });
  const replayed = await run(
    process.execPath,
    [
      'bin/geqo.mjs',
      'replay',
      '--synthetic',
      '--rounds',
      '3',
      '--url',
      `ws://127.0.0.1:${runtime.ingestPort}/`,
      '--token',
      token,
    ],
    { timeoutMs: 60_000 },
  );
  if (replayed.code !== 0) throw new Error(`geqo replay failed:\n${replayed.output}`);
}, 180_000);

afterAll(async () => {
  await runtime?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('the REST API under a schema-driven fuzzer', () => {
  it('answers no generated request with a 500, and keeps running', async () => {
    // Act
    const fuzz = await run(
      SCHEMATHESIS,
      [
        'run',
        `${api}/v1/openapi.json`,
        '--url',
        api,
        '--checks',
        'not_a_server_error',
        '--max-examples',
        EXAMPLES,
        '--seed',
        SEED,
        // One worker: with two, hypothesis's concurrent `ast.parse` calls now and then fail inside
        // CPython 3.11 ("AST constructor recursion depth mismatch"), an error of the fuzzer itself.
        '--workers',
        '1',
        '--request-timeout',
        '10',
        // Admin routes that change something want a request no other site's page could send.
        '--header',
        'X-Geqo-Admin: 1',
        // The game server's token, so the webhooks take the generated bodies past authentication.
        '--header',
        `Authorization: Bearer ${token}`,
        '--generation-database',
        'none',
        '--no-color',
      ],
      { cwd: workDir, timeoutMs: 150_000 },
    );

    // Assess
    const summary = /(\d+) generated, (\d+) passed/.exec(fuzz.output);
    process.stdout.write(
      `schemathesis (seed ${SEED}, ${EXAMPLES} examples): ${summary?.[0] ?? 'no summary'}\n`,
    );
    expect(fuzz.code, fuzz.output.slice(-6_000)).toBe(0);
    expect(Number(summary?.[1])).toBeGreaterThan(300);
    expect(runtime.child.exitCode).toBeNull();
    const failed = runtime.logs.filter((line) => line.level === 'error' || line.level === 50);
    expect(failed, JSON.stringify(failed.slice(0, 5))).toEqual([]);
    expect((await fetch(`${api}/healthz`)).status).toBe(200);
  }, 180_000);
});
