/**
 * Servers without the plugin, end to end: `geqo up` as its own process on a real PostgreSQL,
 * the real competitive log of `fixtures/cs2-logs/` POSTed over HTTP as `logaddress_add_http`
 * would, and MatchZy / get5 webhook payloads shaped as the plugins send them. What the REST API
 * then serves must be what `geqo analyze` makes of the same input.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planLogBodies } from '../../cli/src/replay/log-bodies.ts';
import { replayLog } from '../../cli/src/replay/log-replay.ts';
import { type RuntimeProcess, startRuntimeProcess } from '../../local/src/process/runtime-process.ts';
import { analyzeCs2LogFile, pickMainMatch } from '../../shared/app/analyze/index.ts';
import { LogStreamParser } from '../../shared/domain/cs2-log/index.ts';
import type { MatchSummary } from '../../shared/domain/match/index.ts';
import {
  get5Player,
  goingLive,
  matchzyMapPicked,
  matchzyRoundEnd,
  matchzySeriesStart,
  TEAM1,
  TEAM2,
} from '../../shared/domain/webhooks/test-helpers.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { countEvents, waitForCount } from '../helpers/stored-events.ts';

const LOG = resolve('../shared/fixtures/cs2-logs/0f870999-5f60-4259-7837-08de566fc039.log');

let database: TestDatabase;
let runtime: RuntimeProcess;
let api: string;

beforeAll(async () => {
  database = await createTestDatabase();
  runtime = await startRuntimeProcess({ databaseUrl: database.url });
  api = `http://127.0.0.1:${runtime.httpPort}`;
});

afterAll(async () => {
  const code = await runtime?.stop();
  expect(code).toBe(0);
  await database?.drop();
});

async function addServer(name: string): Promise<{ serverId: string; token: string }> {
  const created = await fetch(`${api}/v1/servers`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  expect(created.status).toBe(201);
  return (await created.json()) as { serverId: string; token: string };
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`${api}${path}`);
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return (await response.json()) as T;
}

interface MatchItem {
  id: string;
  externalId: string | null;
  map: string | null;
  status: string;
  score: Record<string, number>;
}

interface RoundItem {
  number: number;
  winnerSide: string | null;
  winnerTeam: string | null;
  reason: string | null;
  scoreAfter: Record<string, number>;
}

/** Polls a server's matches until one satisfies `done` (the worker applies frames asynchronously). */
async function waitForMatch(serverId: string, done: (match: MatchItem) => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { matches } = await getJson<{ matches: MatchItem[] }>(`/v1/matches?server=${serverId}`);
    const found = matches.find(done);
    if (found !== undefined) return found;
    if (Date.now() > deadline)
      throw new Error(`no such match after ${timeoutMs} ms: ${JSON.stringify(matches)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function rounds(matchId: string): Promise<Omit<RoundItem, never>[]> {
  const { rounds: list } = await getJson<{ rounds: RoundItem[] }>(`/v1/matches/${matchId}/rounds`);
  return list.map(({ number, winnerSide, winnerTeam, reason, scoreAfter }) => ({
    number,
    winnerSide,
    winnerTeam,
    reason,
    scoreAfter,
  }));
}

describe('the CS2 HTTP log stream into geqo up', () => {
  it('gives the same rounds, score and summary as geqo analyze of the same log', async () => {
    // Prepare
    const { serverId, token } = await addServer('vanilla server');
    const log = await readFile(LOG);
    const analyzed = pickMainMatch((await analyzeCs2LogFile(LOG)).matches);
    const expected = analyzed?.summary as MatchSummary;

    // Act: the log as a server POSTs it, in small bodies (lines and JSON blocks cut between them).
    const replay = await replayLog(log, {
      url: api,
      serverId,
      token,
      speed: 'max',
      instance: 'boot-1',
      bodies: { maxBytes: 1_500, maxLines: 12 },
    });
    const match = await waitForMatch(
      serverId,
      (candidate) => candidate.map === 'de_inferno' && candidate.status === 'finished',
    );

    // Assess
    expect(replay).toMatchObject({ bytes: log.length, duplicates: 0 });
    expect(await rounds(match.id)).toEqual(
      expected.rounds.map(({ number, winnerSide, winnerTeam, reason, scoreAfter }) => ({
        number,
        winnerSide,
        winnerTeam,
        reason,
        scoreAfter,
      })),
    );
    expect(match.score).toEqual(Object.fromEntries(expected.teams.map((team) => [team.name, team.score])));
    // As JSON (what the API serves): a -0 of the in-memory summary is a 0 there.
    const summary = await getJson<MatchSummary>(`/v1/matches/${match.id}/summary`);
    expect(summary).toEqual(JSON.parse(JSON.stringify(expected)));
  });

  it('acknowledges a resent body without storing its events twice, and refuses a wrong token', async () => {
    // Prepare
    const { serverId, token } = await addServer('resending server');
    const log = (await readFile(LOG)).subarray(0, 60_000);
    const [body] = planLogBodies(log, { maxBytes: 60_000, maxLines: 400 });
    const post = (path: string) =>
      fetch(`${api}${path}`, {
        method: 'POST',
        headers: {
          'X-Server-Instance-Token': 'boot-7',
          'X-LogBytes-BeginOffset': String(body!.begin),
          'X-LogBytes-EndOffset': String(body!.end),
        },
        body: log.subarray(body!.begin, body!.end),
      });

    // This server's events only: another test's server may still be storing its last ones.
    const base = await countEvents(database.url, serverId);

    // Act: the first body is stored (the worker runs beside ingest: wait for it), then resent.
    const first = await post(`/v1/logs/${serverId}/${token}`);
    const firstAnswer = (await first.json()) as { status: string; events: number };
    const before = await waitForCount(() => countEvents(database.url, serverId), base + firstAnswer.events);
    const secret = token.slice(token.indexOf('.') + 1);
    const resent = await post(`/v1/logs/${serverId}/${secret}`);
    const wrong = await post(`/v1/logs/${serverId}/${serverId}.${'x'.repeat(43)}`);
    await new Promise((r) => setTimeout(r, 1_000));

    // Assess
    expect(first.status).toBe(200);
    expect(firstAnswer).toMatchObject({ status: 'accepted' });
    expect(firstAnswer.events).toBeGreaterThan(0);
    expect(resent.status).toBe(200);
    expect(await resent.json()).toEqual({ status: 'duplicate' });
    expect(wrong.status).toBe(401);
    expect(before).toBe(base + firstAnswer.events);
    expect(await countEvents(database.url, serverId)).toBe(before);
  });
});

describe('CS2 log bodies out of order into geqo up', () => {
  it('stores every event of the log exactly once when two adjacent bodies arrive swapped', async () => {
    // Prepare: the whole log in CS2-sized bodies; two in the middle are POSTed in the wrong order.
    const { serverId, token } = await addServer('swapping server');
    const log = await readFile(LOG);
    const planned = planLogBodies(log, { maxBytes: 4_096, maxLines: 32 });
    const middle = Math.floor(planned.length / 2);
    const order = planned.map((_, index) =>
      index === middle ? middle + 1 : index === middle + 1 ? middle : index,
    );
    const expected = new LogStreamParser().push(log.toString('utf8')).length;
    const stored = async () => {
      const client = new pg.Client(database.url);
      await client.connect();
      try {
        const { rows } = await client.query(
          'SELECT count(*)::int AS n, count(DISTINCT (session, seq, idx))::int AS keys FROM game_events WHERE server_id = $1',
          [serverId],
        );
        return rows[0] as { n: number; keys: number };
      } finally {
        await client.end();
      }
    };

    // Act
    const answers: { status: number; body: { status: string } }[] = [];
    for (const index of order) {
      const body = planned[index]!;
      const response = await fetch(`${api}/v1/logs/${serverId}/${token}`, {
        method: 'POST',
        headers: {
          'X-Server-Instance-Token': 'boot-swap',
          'X-LogBytes-BeginOffset': String(body.begin),
          'X-LogBytes-EndOffset': String(body.end),
        },
        body: log.subarray(body.begin, body.end),
      });
      answers.push({ status: response.status, body: (await response.json()) as { status: string } });
    }
    await waitForCount(async () => (await stored()).n, expected);
    const match = await waitForMatch(
      serverId,
      (candidate) => candidate.map === 'de_inferno' && candidate.status === 'finished',
    );

    // Assess
    expect(answers.filter((a) => a.status !== 200 || a.body.status === 'duplicate')).toEqual([]);
    expect(await stored()).toEqual({ n: expected, keys: expected });
    expect(match.status).toBe('finished');
  });

  it('answers 503 to a body too far ahead (CS2 sends it again) and stores the whole log once the gap is sent', async () => {
    // Prepare: body 1 is held back; the nine after it come first (eight can be held).
    const { serverId, token } = await addServer('far ahead server');
    const log = await readFile(LOG);
    const planned = planLogBodies(log, { maxBytes: 4_096, maxLines: 32 });
    const expected = new LogStreamParser().push(log.toString('utf8')).length;
    const post = async (index: number) => {
      const body = planned[index]!;
      const response = await fetch(`${api}/v1/logs/${serverId}/${token}`, {
        method: 'POST',
        headers: {
          'X-Server-Instance-Token': 'boot-ahead',
          'X-LogBytes-BeginOffset': String(body.begin),
          'X-LogBytes-EndOffset': String(body.end),
        },
        body: log.subarray(body.begin, body.end),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const stored = async () => {
      const client = new pg.Client(database.url);
      await client.connect();
      try {
        const { rows } = await client.query(
          'SELECT count(*)::int AS n FROM game_events WHERE server_id = $1',
          [serverId],
        );
        return rows[0].n as number;
      } finally {
        await client.end();
      }
    };

    // Act
    await post(0);
    const ahead = [];
    for (let index = 2; index <= 10; index += 1) ahead.push(await post(index));
    await post(1);
    // CS2 sends the refused body again, then the rest of the log.
    const resent = await post(10);
    for (let index = 11; index < planned.length; index += 1) await post(index);
    await waitForCount(stored, expected);

    // Assess
    expect(ahead.slice(0, 8).map((a) => [a.status, a.body.held])).toEqual(
      Array.from({ length: 8 }, () => [200, true]),
    );
    expect(ahead[8]).toMatchObject({ status: 503, body: { error: { code: 'LOG_BODY_AHEAD' } } });
    expect(resent.status).toBe(200);
    expect(await stored()).toBe(expected);
  });
});

describe('MatchZy and get5 webhooks into geqo up', () => {
  it('turns a MatchZy match (its real payload quirks included) into a finished match with every round', async () => {
    // Prepare: team1 starts on T, loses 3 rounds, then wins 13; MatchZy's numeric matchid,
    // winner.side "2"/"3" and winner.team naming the leading team.
    const { token, serverId } = await addServer('matchzy server');
    const payloads = [matchzySeriesStart(), matchzyMapPicked('de_mirage'), goingLive()];
    const score = { team1: 0, team2: 0 };
    for (let round = 1; round <= 16; round++) {
      const team1Wins = round > 3;
      const team1Side = round <= 12 ? 'T' : 'CT';
      if (team1Wins) score.team1++;
      else score.team2++;
      const winnerSide = team1Wins ? team1Side : team1Side === 'T' ? 'CT' : 'T';
      payloads.push(matchzyRoundEnd({ winnerSide, score: { ...score } }));
    }
    payloads.push({
      event: 'map_result',
      matchid: 14272,
      map_number: 0,
      winner: { side: '2', team: 'team1' },
      team1: { ...TEAM1, series_score: 1, score: 13, score_ct: 0, score_t: 0, players: [] },
      team2: { ...TEAM2, series_score: 0, score: 3, score_ct: 0, score_t: 0, players: [] },
    });
    const post = (payload: unknown, authorization: string | null = `Bearer ${token}`) =>
      fetch(`${api}/v1/webhooks/matchzy`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(authorization === null ? {} : { Authorization: authorization }),
        },
        body: JSON.stringify(payload),
      });

    // Act
    const unauthenticated = await post(payloads[0], null);
    const statuses: number[] = [];
    for (const payload of payloads) statuses.push((await post(payload)).status);
    const notJson = await fetch(`${api}/v1/webhooks/matchzy`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: '{',
    });
    const match = await waitForMatch(serverId, (candidate) => candidate.status === 'finished');

    // Assess
    expect(unauthenticated.status).toBe(401);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(notJson.status).toBe(400);
    expect(match).toMatchObject({
      externalId: '14272',
      map: 'de_mirage',
      score: { [TEAM1.name]: 13, [TEAM2.name]: 3 },
    });
    const stored = await rounds(match.id);
    expect(stored).toHaveLength(16);
    expect(stored[1]).toMatchObject({ winnerSide: 'CT', winnerTeam: TEAM2.name });
    expect(stored[3]).toMatchObject({ winnerSide: 'T', winnerTeam: TEAM1.name });
    expect(stored[15]).toMatchObject({ winnerSide: 'CT', winnerTeam: TEAM1.name });
  });

  it('stores get5 kills and bomb events in the round they happened', async () => {
    // Prepare
    const { token, serverId } = await addServer('get5 server');
    const killer = '76561198000000001';
    const victim = '76561198000000101';
    const base = { matchid: 'league-7', map_number: 0, round_number: 0 };
    const payloads = [
      { event: 'going_live', matchid: 'league-7', map_number: 0 },
      { ...base, event: 'round_start' },
      {
        ...base,
        event: 'player_death',
        round_time: 20_000,
        player: get5Player(victim, 'victim', 't'),
        attacker: get5Player(killer, 'killer', 'ct'),
        weapon: { name: 'm4a1', id: 16 },
        headshot: true,
        assist: null,
      },
      {
        ...base,
        event: 'bomb_planted',
        round_time: 30_000,
        player: get5Player(victim, 'victim', 't'),
        site: 'b',
      },
      { ...base, event: 'bomb_exploded', round_time: 70_000, site: 'b' },
    ];

    // Act
    for (const payload of payloads) {
      const response = await fetch(`${api}/v1/webhooks/get5`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        body: JSON.stringify(payload),
      });
      expect(response.status).toBe(200);
    }
    const match = await waitForMatch(serverId, (candidate) => candidate.externalId === 'league-7');
    const deadline = Date.now() + 30_000;
    let page: { events: { type: string; roundNumber: number; key: { session: string } }[] } = { events: [] };
    while (!page.events.some((event) => event.type === 'bomb_exploded') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      page = await getJson(`/v1/matches/${match.id}/events?limit=100`);
    }

    // Assess
    const live = page.events.filter((event) =>
      ['player_death', 'bomb_planted', 'bomb_exploded'].includes(event.type),
    );
    expect(live.map(({ type, roundNumber }) => ({ type, roundNumber }))).toEqual([
      { type: 'player_death', roundNumber: 1 },
      { type: 'bomb_planted', roundNumber: 1 },
      { type: 'bomb_exploded', roundNumber: 1 },
    ]);
    expect(JSON.stringify(live[0])).toContain(killer);
    expect(new Set(page.events.map((event) => event.key.session)).size).toBe(1);
  });
});
