/**
 * The README's quick start, from the clone alone: `geqo up` as its own process, then the very
 * commands the README gives, run from the repository's root as a newcomer runs them: the sample
 * match shipped in `samples/` replayed and analyzed, and a generated match (`--synthetic`) whose
 * players move on the radar.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RuntimeProcess, startRuntimeProcess } from '../../local/src/process/runtime-process.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { waitForCount } from '../helpers/stored-events.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SAMPLE = 'samples/2026-02-09_de_nuke_FURIA_2-13_Team_Vitality.jsonl';

let database: TestDatabase;
let runtime: RuntimeProcess;
let db: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase();
  runtime = await startRuntimeProcess({ databaseUrl: database.url });
  db = new pg.Client(database.url);
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  const code = await runtime?.stop();
  expect(code).toBe(0);
  await database?.drop();
});

/** `geqo <args>` from the repository's root, as the README runs it. */
async function geqo(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['bin/geqo.mjs', ...args], {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

async function addServer(name: string): Promise<{ token: string; serverId: string }> {
  const created = await fetch(`http://127.0.0.1:${runtime.httpPort}/v1/servers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  expect(created.status).toBe(201);
  return (await created.json()) as { token: string; serverId: string };
}

async function eventsOf(serverId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM game_events WHERE server_id = $1',
    [serverId],
  );
  return rows[0]?.n ?? 0;
}

interface ReplaySummary {
  events: number;
  ackedEvents: number;
  rejectedFrames: number;
}

describe('the README quick start on a fresh clone', () => {
  it('replays the sample match shipped in samples/ and the API lists it, finished 2:13', async () => {
    // Prepare
    const { token, serverId } = await addServer('EU #1');
    const lines = (await readFile(resolve(ROOT, SAMPLE), 'utf8')).trim().split('\n').length;

    // Act
    const replay = await geqo(
      'replay',
      SAMPLE,
      '--url',
      `ws://127.0.0.1:${runtime.ingestPort}/`,
      '--token',
      token,
      '--json',
    );
    const analyzed = await geqo('analyze', SAMPLE, '--json');

    // Assess
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout) as ReplaySummary).toMatchObject({
      events: lines,
      ackedEvents: lines,
      rejectedFrames: 0,
    });
    await waitForCount(() => eventsOf(serverId), lines);
    const listed = async () => {
      const response = await fetch(`http://127.0.0.1:${runtime.httpPort}/v1/matches?server=${serverId}`);
      return ((await response.json()) as { matches: { map: string; status: string; score: object }[] })
        .matches;
    };
    await waitForCount(async () => (await listed()).filter((m) => m.status === 'finished').length, 1, 10_000);
    const [match] = await listed();
    expect(match?.map).toBe('de_nuke');
    expect(Object.values(match?.score ?? {}).sort((a, b) => a - b)).toEqual([2, 13]);
    expect(analyzed.code).toBe(0);
    expect(JSON.parse(analyzed.stdout)).toMatchObject({ map: 'de_nuke', status: 'finished' });
  });

  it('replays a generated match with --synthetic: stored as happening now, ten players at 8 Hz', async () => {
    // Prepare
    const { token, serverId } = await addServer('synthetic');
    const startedAt = Date.now();

    // Act
    const replay = await geqo(
      'replay',
      '--synthetic',
      '--seed',
      '7',
      '--rounds',
      '2',
      '--url',
      `ws://127.0.0.1:${runtime.ingestPort}/`,
      '--token',
      token,
      '--json',
    );

    // Assess
    expect(replay.code).toBe(0);
    const summary = JSON.parse(replay.stdout) as ReplaySummary;
    expect(summary).toMatchObject({ ackedEvents: summary.events, rejectedFrames: 0 });
    await waitForCount(() => eventsOf(serverId), summary.events);
    const { rows: matches } = await db.query<{ id: string; map: string; started_at: Date }>(
      'SELECT id, map, started_at FROM matches WHERE server_id = $1',
      [serverId],
    );
    expect(matches).toHaveLength(1);
    expect(matches[0]?.map).toBe('de_mirage');
    expect(matches[0]?.started_at.getTime()).toBeGreaterThanOrEqual(startedAt - 1_000);
    const { rows: positions } = await db.query<{ ms: number; players: number }>(
      `SELECT (extract(epoch from ts) * 1000)::float8 AS ms, count(*)::int AS players
         FROM position_samples WHERE server_id = $1 AND round_number = 1 AND phase = 'live'
        GROUP BY ts ORDER BY ts`,
      [serverId],
    );
    expect(positions.length).toBeGreaterThan(100);
    expect(new Set(positions.map((row) => row.players))).toEqual(new Set([10]));
    const gaps = positions.slice(1).map((row, i) => Math.round(row.ms - (positions[i]?.ms ?? 0)));
    expect(new Set(gaps)).toEqual(new Set([125]));
  });
});
