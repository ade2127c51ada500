import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../adapters/logging/index.ts';
import { noMetrics } from '../../adapters/metrics/index.ts';
import type { JsonObject } from '../../domain/webhooks/index.ts';
import {
  goingLive,
  matchzyMapPicked,
  matchzyRoundEnd,
  matchzySeriesStart,
  TEAM1,
  TEAM2,
} from '../../domain/webhooks/test-helpers.ts';
import { analyzeEvents } from '../analyze/index.ts';
import { channelsFor } from './test-helpers.ts';
import { DUPLICATE_WINDOW_MS, WebhookIngestor } from './webhook-ingestor.ts';

const SERVER = 'srv_0123456789ab';

function ingestorFor(now = { value: 1_779_040_800_000 }) {
  const parts = channelsFor(undefined, undefined, () => now.value);
  const ingestor = new WebhookIngestor({
    channels: parts.channels,
    logger: silentLogger,
    metrics: noMetrics,
    clock: () => now.value++,
  });
  const post = (payload: unknown, source: 'matchzy' | 'get5' = 'matchzy') =>
    ingestor.ingest({ serverId: SERVER, source, body: Buffer.from(JSON.stringify(payload)) });
  return { ...parts, ingestor, post, now };
}

/** A MatchZy map won 13:3 by team1, who start on T: the payloads in the order MatchZy sends them. */
function matchzyMap(): JsonObject[] {
  const payloads: JsonObject[] = [matchzySeriesStart(), matchzyMapPicked('de_inferno'), goingLive()];
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
    winner: { side: '3', team: 'team1' },
    team1: { ...TEAM1, series_score: 1, score: 13, score_ct: 0, score_t: 0, players: [] },
    team2: { ...TEAM2, series_score: 0, score: 3, score_ct: 0, score_t: 0, players: [] },
  });
  payloads.push({
    event: 'series_end',
    matchid: 14272,
    team1_series_score: 1,
    team2_series_score: 0,
    winner: { side: '3', team: 'team1' },
    time_until_restore: 45,
  });
  return payloads;
}

describe('WebhookIngestor', () => {
  it('gives a MatchZy match the right rounds, winners and final score through the match engine', async () => {
    // Prepare
    const { post, producer } = ingestorFor();

    // Act
    for (const payload of matchzyMap()) await post(payload);
    const { frames, events } = producer.applied();
    const summary = await analyzeEvents(events, { serverId: SERVER });

    // Assess
    expect(new Set(frames.map((frame) => frame.match))).toEqual(new Set(['14272']));
    expect(new Set(frames.map((frame) => frame.session)).size).toBe(1);
    expect(summary.map).toBe('de_inferno');
    expect(summary.status).toBe('finished');
    expect(summary.teams).toEqual([
      { name: TEAM2.name, startSide: 'CT', score: 3 },
      { name: TEAM1.name, startSide: 'T', score: 13 },
    ]);
    expect(summary.rounds).toHaveLength(16);
    expect(
      summary.rounds.slice(2, 4).map(({ winnerSide, winnerTeam }) => ({ winnerSide, winnerTeam })),
    ).toEqual([
      { winnerSide: 'CT', winnerTeam: TEAM2.name },
      { winnerSide: 'T', winnerTeam: TEAM1.name },
    ]);
    expect(summary.rounds.at(-1)).toMatchObject({
      winnerSide: 'CT',
      winnerTeam: TEAM1.name,
      scoreAfter: { [TEAM1.name]: 13, [TEAM2.name]: 3 },
    });
  });

  it('acknowledges a payload sent twice in a row once', async () => {
    // Prepare
    const { post, producer } = ingestorFor();
    const payload = matchzyRoundEnd({ winnerSide: 'CT', score: { team1: 0, team2: 1 } });

    // Act
    const first = await post(payload);
    const again = await post(payload);

    // Assess
    expect(first).toMatchObject({ status: 'accepted', event: 'round_end', matchId: '14272', frames: 1 });
    expect(again).toEqual({ status: 'duplicate' });
    expect(producer.frames()).toHaveLength(1);
  });

  it('applies the same payload again once the duplicate window is over', async () => {
    // Prepare
    const { post, producer, now } = ingestorFor();
    const payload = {
      event: 'game_unpaused',
      matchid: 'g',
      map_number: 0,
      team: 'team1',
      pause_type: 'tactical',
    };

    // Act
    await post(payload, 'get5');
    now.value += DUPLICATE_WINDOW_MS + 1;
    const later = await post(payload, 'get5');

    // Assess
    expect(later).toMatchObject({ status: 'accepted' });
    expect(producer.frames()).toHaveLength(2);
  });

  it('starts a new frame session for a new match id', async () => {
    // Prepare
    const { post, producer } = ingestorFor();

    // Act
    await post(goingLive(14272));
    await post(goingLive(14273));

    // Assess
    const frames = producer.applied().frames;
    expect(frames.map((frame) => [frame.match, frame.seq])).toEqual([
      ['14272', 1],
      ['14273', 1],
    ]);
    expect(frames[0]?.session).not.toBe(frames[1]?.session);
  });

  it('refuses a body that is not JSON or not a payload, and writes nothing', async () => {
    // Prepare
    const { ingestor, post, producer } = ingestorFor();

    // Act
    const notJson = await ingestor.ingest({ serverId: SERVER, source: 'get5', body: Buffer.from('{oops') });
    const noEvent = await post({ matchid: 3 });

    // Assess
    expect(notJson).toEqual({ status: 'invalid', reason: 'the body is not JSON' });
    expect(noEvent).toEqual({ status: 'invalid', reason: 'the payload has no "event" name' });
    expect(producer.records).toHaveLength(0);
  });

  it('acknowledges events with nothing to map, without a frame', async () => {
    // Prepare
    const { post, producer } = ingestorFor();

    // Act
    const result = await post({ event: 'demo_upload_ended', matchid: 14272, map_number: 0, success: true });

    // Assess
    expect(result).toMatchObject({ status: 'ignored', event: 'demo_upload_ended' });
    expect(producer.records).toHaveLength(0);
  });
  it('refuses a payload the store could not hold (a NUL in the match id) as invalid, not as unavailable', async () => {
    // Prepare
    const { post } = ingestorFor();

    // Act
    const result = await post({ ...matchzySeriesStart(), matchid: '\u0000\u0000' });

    // Assess: a 400 for this body, nothing kept that would fail the next one.
    expect(result).toEqual({ status: 'invalid', reason: 'payload.matchid: contains U+0000' });
    expect(await post(matchzySeriesStart())).toMatchObject({ status: expect.not.stringMatching('invalid') });
  });
});
