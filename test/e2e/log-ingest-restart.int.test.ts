/**
 * A CS2 log stream across a crash of `geqo up`: the parser state of every server is in
 * PostgreSQL with the position it reached, so a runtime killed mid-log (SIGKILL: no draining) and
 * started again goes on where the acknowledged bodies ended, and the bodies the server sends
 * again are recognised and not applied twice.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planLogBodies } from '../../cli/src/replay/log-bodies.ts';
import { replayLog } from '../../cli/src/replay/log-replay.ts';
import { type RuntimeProcess, startRuntimeProcess } from '../../local/src/process/runtime-process.ts';
import { analyzeCs2LogFile, pickMainMatch } from '../../shared/app/analyze/index.ts';
import type { MatchSummary } from '../../shared/domain/match/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

const LOG = resolve('../shared/fixtures/cs2-logs/0f870999-5f60-4259-7837-08de566fc039.log');
const BODIES = { maxBytes: 2_000, maxLines: 16 };

let database: TestDatabase;
let runtime: RuntimeProcess | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await runtime?.stop();
  await database?.drop();
});

describe('the CS2 log stream across a crash of geqo up', () => {
  it('goes on after a SIGKILL and gives the summary analyze gives', async () => {
    // Prepare: a server, and the log cut at a body boundary in the middle of the match.
    runtime = await startRuntimeProcess({ databaseUrl: database.url });
    let api = `http://127.0.0.1:${runtime.httpPort}`;
    const created = await fetch(`${api}/v1/servers`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'crashing' }),
    });
    const { serverId, token } = (await created.json()) as { serverId: string; token: string };
    const log = await readFile(LOG);
    const bodies = planLogBodies(log, BODIES);
    const cut = bodies[Math.floor(bodies.length * 0.6)]!.end;
    const expected = pickMainMatch((await analyzeCs2LogFile(LOG)).matches)?.summary as MatchSummary;

    // Act: 60 % of the log, a kill, a new runtime, then the whole log again from the same server
    // instance (a server resends what was not acknowledged; here, everything).
    const first = await replayLog(log.subarray(0, cut), {
      url: api,
      serverId,
      token,
      speed: 'max',
      instance: 'boot-1',
      bodies: BODIES,
    });
    await runtime.kill();
    runtime = await startRuntimeProcess({ databaseUrl: database.url });
    api = `http://127.0.0.1:${runtime.httpPort}`;
    const second = await replayLog(log, {
      url: api,
      serverId,
      token,
      speed: 'max',
      instance: 'boot-1',
      bodies: BODIES,
    });
    const summary = await waitForSummary(api, serverId);

    // Assess
    expect(first.duplicates).toBe(0);
    expect(second.duplicates).toBe(first.bodies);
    expect(summary).toEqual(JSON.parse(JSON.stringify(expected)));
  });
});

/** The summary of the server's finished de_inferno match, once the worker has applied everything. */
async function waitForSummary(api: string, serverId: string): Promise<MatchSummary> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { matches } = (await (await fetch(`${api}/v1/matches?server=${serverId}`)).json()) as {
      matches: { id: string; map: string | null; status: string }[];
    };
    const match = matches.find(
      (candidate) => candidate.map === 'de_inferno' && candidate.status === 'finished',
    );
    if (match !== undefined)
      return (await (await fetch(`${api}/v1/matches/${match.id}/summary`)).json()) as MatchSummary;
    if (Date.now() > deadline) throw new Error(`no finished match: ${JSON.stringify(matches)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
