/**
 * What `geqo analyze` and `geqo replay` say, and how they exit, about a file they cannot use: the
 * real command, run as a user runs it (a process each, hence the integration project's timeouts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'geqo-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GEQO = resolve('bin/geqo.mjs');
const MATCH = resolve('../shared/fixtures/matches/2026-02-09_de_nuke_FURIA_2-13_Team_Vitality.jsonl');

function geqo(...args: string[]) {
  const result = spawnSync(process.execPath, [GEQO, ...args], { encoding: 'utf8', cwd: dir });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('geqo analyze and geqo replay on a file they cannot use', () => {
  it('makes geqo analyze and geqo replay exit 1 with one line, not a stack trace', () => {
    // Act
    const analyzeMissing = geqo('analyze', 'missing.jsonl');
    const replayFolder = geqo('replay', dir, '--token', 'srv_x.secret');

    // Assess
    expect(analyzeMissing.status).toBe(1);
    expect(analyzeMissing.stderr).toBe('geqo: missing.jsonl: no such file\n');
    expect(replayFolder.status).toBe(1);
    expect(replayFolder.stderr).toBe(`geqo: ${dir} is a folder; give the file to read\n`);
  });

  it('analyze stops at a malformed line by default, and with --skip-bad-lines reports it and goes on', () => {
    // Prepare: two broken lines in the middle of a real match
    const lines = readFileSync(MATCH, 'utf8').split('\n');
    const broken = join(dir, 'broken.jsonl');
    writeFileSync(
      broken,
      [...lines.slice(0, 50), '{not json', '{"type":"round_end"}', ...lines.slice(50)].join('\n'),
    );

    // Act
    const strict = geqo('analyze', broken, '--json');
    const skipping = geqo('analyze', broken, '--json', '--skip-bad-lines');
    const whole = geqo('analyze', MATCH, '--json');

    // Assess
    expect(strict.status).toBe(1);
    expect(strict.stderr).toBe(`geqo: ${broken}:51: not JSON\n`);
    expect(skipping.status).toBe(0);
    expect(skipping.stderr).toContain(`geqo: skipped ${broken}:51: not JSON`);
    expect(skipping.stderr).toContain(`geqo: skipped ${broken}:52:`);
    expect(skipping.stderr).toContain(`${broken}: 2 malformed line(s) skipped`);
    expect(JSON.parse(skipping.stdout)).toEqual(JSON.parse(whole.stdout));
  });

  it('replay ends at once with one line when nothing answers at its URL, instead of retrying for minutes', () => {
    // Prepare: port 1 (tcpmux) is never handed out as an ephemeral port, so no other test's server
    // can be listening there; a port from freePort() was released, and a test file running alongside
    // took the same one once in CI, so that something answered
    const port = 1;

    // Act
    const started = Date.now();
    const replayed = geqo('replay', MATCH, '--url', `ws://127.0.0.1:${port}/`, '--token', 'srv_x.secret');

    // Assess
    expect(replayed.status).toBe(1);
    expect(replayed.stderr).toBe(
      `geqo: nothing answers at ws://127.0.0.1:${port}/: start an instance with \`geqo up\`, or pass --url (the plugin URL \`geqo server add\` printed)\n`,
    );
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
