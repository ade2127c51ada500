import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AnyEvent } from '../../domain/events/index.ts';
import { applyEvent, createServerState, type EnrichedEvent } from '../../domain/match/index.ts';
import { analyzeEvents, analyzeJsonLinesFile, pickMainMatch } from './analyze-events.ts';
import { EventFileError, readEventLines } from './read-event-lines.ts';

const FIXTURES = new URL('../../../../shared/fixtures/matches/', import.meta.url).pathname;
const MATCHES = [
  '2026-02-09_de_nuke_FURIA_2-13_Team_Vitality',
  '2026-05-17_de_ancient_Team_Spirit_13-10_Team_Falcons',
] as const;

interface Expected {
  map: string;
  score: Record<string, number>;
  rounds: { number: number; winnerSide: string; winnerTeam: string; reason: string }[];
  players: {
    steamId: string;
    name: string;
    team: string;
    kills: number;
    deaths: number;
    assists: number;
    headshotKills: number;
    damage: number;
    adr: number;
  }[];
}

async function expectedOf(name: string): Promise<Expected> {
  return JSON.parse(await readFile(join(FIXTURES, `${name}.expected.json`), 'utf8')) as Expected;
}

const scratch = await mkdtemp(join(tmpdir(), 'geqo-analyze-'));
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe.each(MATCHES)('analyze %s', (name) => {
  it('gives the final score and every round as the demo parser', async () => {
    // Prepare
    const expected = await expectedOf(name);

    // Act
    const matches = await analyzeJsonLinesFile(join(FIXTURES, `${name}.jsonl`));

    // Assess
    expect(matches).toHaveLength(1);
    const summary = pickMainMatch(matches)?.summary;
    expect(summary?.map).toBe(expected.map);
    expect(summary?.status).toBe('finished');
    expect(Object.fromEntries(summary?.teams.map((team) => [team.name, team.score]) ?? [])).toEqual(
      expected.score,
    );
    expect(
      summary?.rounds.map(({ number, winnerSide, winnerTeam, reason }) => ({
        number,
        winnerSide,
        winnerTeam,
        reason,
      })),
    ).toEqual(expected.rounds);
  });

  it('gives every player the demo parser figures: K/D/A, headshot kills and damage exactly, ADR to 0.01', async () => {
    // Prepare
    const expected = await expectedOf(name);

    // Act
    const summary = pickMainMatch(await analyzeJsonLinesFile(join(FIXTURES, `${name}.jsonl`)))?.summary;

    // Assess
    expect(summary?.players).toHaveLength(expected.players.length);
    for (const player of expected.players) {
      const line = summary?.players.find((candidate) => candidate.steamId === player.steamId);
      expect(line, player.name).toMatchObject({
        name: player.name,
        team: player.team,
        kills: player.kills,
        deaths: player.deaths,
        assists: player.assists,
        headshotKills: player.headshotKills,
        damage: player.damage,
      });
      expect(Math.abs((line?.adr ?? Number.NaN) - player.adr), player.name).toBeLessThanOrEqual(0.01);
    }
  });
});

describe('analyze: engine on the recorded matches', () => {
  it('flags the kills after round 5 was won (ancient) as post-round and keeps them in round 5', async () => {
    // Prepare
    const state = createServerState('file');
    const enriched: EnrichedEvent[] = [];

    // Act
    for await (const { line, event } of readEventLines(join(FIXTURES, `${MATCHES[1]}.jsonl`))) {
      enriched.push(
        applyEvent(state, { key: { server: 'file', session: 'file', seq: line, index: 0 }, event }).enriched,
      );
    }

    // Assess: the recording has three kills between round 5's round_end and its official end.
    const postRoundKills = enriched.filter(
      ({ event, enrichment }) => event.type === 'player_death' && enrichment.isPostRound,
    );
    expect(postRoundKills.map(({ key }) => key.seq)).toEqual(expect.arrayContaining([231, 234, 236]));
    const round5 = postRoundKills.filter(({ enrichment }) => enrichment.roundNumber === 5);
    expect(round5.map(({ key, enrichment }) => [key.seq, enrichment.phase, enrichment.excluded])).toEqual([
      [231, 'round_end', false],
      [234, 'round_end', false],
      [236, 'round_end', false],
    ]);
    expect(
      enriched
        .filter(({ event }) => event.type === 'round_start')
        .map(({ enrichment }) => enrichment.roundNumber),
    ).toEqual(Array.from({ length: 23 }, (_, index) => index + 1));
  });

  it('summarizes plain in-memory events like the file', async () => {
    // Prepare
    const text = await readFile(join(FIXTURES, `${MATCHES[0]}.jsonl`), 'utf8');
    const events = text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as AnyEvent);

    // Act
    const fromMemory = await analyzeEvents(events);
    const fromFile = pickMainMatch(
      await analyzeJsonLinesFile(join(FIXTURES, `${MATCHES[0]}.jsonl`)),
    )?.summary;

    // Assess
    expect(fromMemory).toEqual(fromFile);
  });

  it('gives an empty summary for a stream without a match', async () => {
    // Prepare
    const events: AnyEvent[] = [{ type: 'chat', ts: 1, steamId: '1', text: 'hello' }];

    // Act
    const summary = await analyzeEvents(events);

    // Assess
    expect(summary).toEqual({ map: null, status: 'warmup', teams: [], rounds: [], players: [] });
  });

  it('names the line of an invalid event', async () => {
    // Prepare
    const path = join(scratch, 'bad.jsonl');
    await writeFile(path, '{"type":"map_start","ts":1,"map":"de_dust2"}\n\n{"type":"player_death","ts":2}\n');

    // Act
    const reading = (async () => {
      for await (const _ of readEventLines(path)) {
        // consume
      }
    })();

    // Assess
    await expect(reading).rejects.toThrow(EventFileError);
    await expect(reading).rejects.toThrow(/bad\.jsonl:3: .*victim/);
  });
});
