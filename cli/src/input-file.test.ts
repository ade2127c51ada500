import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inputFileProblem } from './input-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'geqo-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MATCH = resolve('../shared/fixtures/matches/2026-02-09_de_nuke_FURIA_2-13_Team_Vitality.jsonl');

describe('the file a command is given', () => {
  it('is named in one line when it is missing, a folder, or a CS2 demo', async () => {
    // Prepare
    const demo = join(dir, 'match.dem');
    writeFileSync(demo, Buffer.concat([Buffer.from('PBDEMS2\0'), Buffer.alloc(64)]));

    // Act
    const missing = await inputFileProblem(join(dir, 'nope.jsonl'), 'analyze');
    const folder = await inputFileProblem(dir, 'replay');
    const isDemo = await inputFileProblem(demo, 'analyze');
    const fine = await inputFileProblem(MATCH, 'analyze');

    // Assess
    expect(missing).toEqual({ problem: `${join(dir, 'nope.jsonl')}: no such file` });
    expect(folder).toEqual({ problem: `${dir} is a folder; give the file to read` });
    expect(isDemo).toEqual({
      problem: `${demo} is a CS2 demo (.dem); geqo analyze reads JSON lines (--format jsonl) or a CS2 server log (--format cs2-log)`,
    });
    expect(fine).toHaveProperty('size');
  });
});
