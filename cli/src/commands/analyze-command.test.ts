/**
 * `geqo analyze` as a user runs it (the real command in a child process) on files holding more
 * than one match: which match it summarizes, the list of the others, and `--match`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CS2_LOG_FIXTURE, writePostGameWarmupLog } from '../../../test/helpers/post-game-warmup-log.ts';

const GEQO = resolve(import.meta.dirname, '../../../bin/geqo.mjs');
const NUKE = resolve(
  import.meta.dirname,
  '../../../../shared/fixtures/matches/2026-02-09_de_nuke_FURIA_2-13_Team_Vitality.jsonl',
);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function geqo(...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [GEQO, ...args], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

interface AnalyzeJson {
  map: string | null;
  status: string;
  teams: { name: string; startSide: string; score: number }[];
  rounds: unknown[];
  players: unknown[];
  match: { index: number; of: number; matchId: string; chosenBy: string };
  matches: { index: number; matchId: string; map: string | null; status: string; rounds: number }[];
}

let scratch = '';
let postGameLog = '';
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'geqo-analyze-cli-'));
  postGameLog = join(scratch, 'post-game-warmup.log');
  await writePostGameWarmupLog(postGameLog);
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

// Each run starts a Node process that compiles the CLI: seconds on a busy machine.
describe('geqo analyze on a file with several matches', { timeout: 60_000 }, () => {
  it('summarizes the played match of a log that goes on into a post-game warmup, and lists the others', async () => {
    // Act
    const run = await geqo('analyze', postGameLog);

    // Assess
    expect(run.code).toBe(0);
    const [list, report] = run.stdout.split('\n\n');
    expect(list).toContain('3 matches in this file; summarizing #1');
    expect(list).toMatch(/\* {2}1 {2}de_inferno +finished +15 rounds {2}rvls test team 1 13 : 2 rvls test 2/);
    expect(list).toMatch(/ {3}2 {2}de_inferno +abandoned +0 rounds {2}teams not known/);
    expect(list).toMatch(/ {3}3 {2}de_inferno +live +0 rounds/);
    expect(report).toBe(
      'de_inferno (finished)\nrvls test team 1 13 : 2 rvls test 2\nrvls test team 1 started CT, rvls test 2 started T',
    );
  });

  it('says in its JSON which match it summarized and lists them all, beside the MatchSummary fields', async () => {
    // Act
    const run = await geqo('analyze', postGameLog, '--json');

    // Assess
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as AnalyzeJson;
    expect(json).toMatchObject({ map: 'de_inferno', status: 'finished' });
    expect(json.teams.map((team) => team.score)).toEqual([13, 2]);
    expect(json.rounds).toHaveLength(15);
    expect(json.match).toEqual({
      index: 1,
      of: 3,
      matchId: json.matches[0]?.matchId,
      chosenBy: 'most-complete',
    });
    expect(json.matches.map(({ index, status, rounds }) => ({ index, status, rounds }))).toEqual([
      { index: 1, status: 'finished', rounds: 15 },
      { index: 2, status: 'abandoned', rounds: 0 },
      { index: 3, status: 'live', rounds: 0 },
    ]);
  });

  it('summarizes the match --match names, and refuses a number past the last match', async () => {
    // Act
    const third = await geqo('analyze', postGameLog, '--json', '--match', '3');
    const past = await geqo('analyze', postGameLog, '--match', '4');

    // Assess
    const json = JSON.parse(third.stdout) as AnalyzeJson;
    expect(json.match).toMatchObject({ index: 3, of: 3, chosenBy: 'option' });
    expect(json).toMatchObject({ map: 'de_inferno', status: 'live' });
    expect(past.code).not.toBe(0);
    expect(past.stderr).toContain('--match 4');
    expect(past.stderr).toContain('holds 3 matches');
  });

  it('summarizes the played match of the fixture log (a warmup after its game over) and of a recorded match', async () => {
    // Act
    const log = JSON.parse((await geqo('analyze', CS2_LOG_FIXTURE, '--json')).stdout) as AnalyzeJson;
    const recorded = JSON.parse((await geqo('analyze', NUKE, '--json')).stdout) as AnalyzeJson;

    // Assess
    expect(log).toMatchObject({ status: 'finished', match: { index: 1, of: 2 } });
    expect(log.rounds).toHaveLength(15);
    expect(log.matches[1]).toMatchObject({ index: 2, rounds: 0 });
    expect(recorded).toMatchObject({ map: 'de_nuke', status: 'finished', match: { index: 1, of: 1 } });
    expect(recorded.rounds).toHaveLength(15);
  });
});
