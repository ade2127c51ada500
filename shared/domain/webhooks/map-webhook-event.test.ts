import { describe, expect, it } from 'vitest';
import { checkEvents } from '../codec/event-validation.ts';
import { mapWebhookEvent, type WebhookMapping } from './map-webhook-event.ts';
import {
  goingLive,
  matchzyMapPicked,
  matchzyRoundEnd,
  matchzySeriesStart,
  TEAM1,
  TEAM2,
} from './test-helpers.ts';
import { initialWebhookMatchState, type WebhookMatchState } from './webhook-match-state.ts';

const AT = 1_779_040_800_000;

function mapped(
  payload: unknown,
  state: WebhookMatchState = initialWebhookMatchState(),
  source: 'matchzy' | 'get5' = 'matchzy',
) {
  return mapWebhookEvent(source, payload, state, AT);
}

function stateOf(mapping: WebhookMapping): WebhookMatchState {
  if (mapping.kind === 'invalid') throw new Error(mapping.reason);
  return mapping.state;
}

describe('mapWebhookEvent: what is not a payload', () => {
  it.each([
    ['a JSON array', [1, 2]],
    ['a string', 'round_end'],
    ['null', null],
    ['an object without "event"', { matchid: 3 }],
    ['an empty event name', { event: '  ' }],
  ])('refuses %s', async (_name, payload) => {
    // Act
    const result = mapped(payload);

    // Assess
    expect(result).toEqual({ kind: 'invalid', reason: expect.any(String) });
  });
});

describe('mapWebhookEvent: series and map flow', () => {
  it('keeps series_start as a raw series event with the team names, reading MatchZy numeric matchid', async () => {
    // Act
    const result = mapped(matchzySeriesStart(14272));

    // Assess
    expect(result).toEqual({
      kind: 'events',
      event: 'series_start',
      matchId: '14272',
      events: [
        {
          type: 'series_start',
          ts: AT,
          unknown: true,
          matchId: '14272',
          team1: TEAM1.name,
          team2: TEAM2.name,
          numMaps: 1,
        },
      ],
      state: expect.objectContaining({
        matchId: '14272',
        teams: { team1: { ...TEAM1 }, team2: { ...TEAM2 } },
      }),
    });
    expect(checkEvents(result.kind === 'events' ? result.events : [])).toMatchObject({
      ok: true,
      unknownTypes: 1,
    });
  });

  it("reads get5's string matchid as it is", async () => {
    // Act
    const result = mapped({ ...matchzySeriesStart(), matchid: 'league-2026-17' }, undefined, 'get5');

    // Assess
    expect(result).toMatchObject({ kind: 'events', matchId: 'league-2026-17' });
  });

  it('opens the map at going_live with the name map_picked gave for its number', async () => {
    // Prepare
    const picked = stateOf(mapped(matchzyMapPicked('de_nuke', 0), stateOf(mapped(matchzySeriesStart()))));

    // Act
    const result = mapped(goingLive(14272, 0), picked);

    // Assess
    expect(result).toMatchObject({
      kind: 'events',
      events: [
        { type: 'map_start', ts: AT, map: 'de_nuke' },
        { type: 'match_start', ts: AT },
      ],
      state: { mapNumber: 0, score: { team1: 0, team2: 0 }, roundOpen: false },
    });
  });

  it('starts the match without a map_start when no map pick was seen', async () => {
    // Act
    const result = mapped(goingLive());

    // Assess
    expect(result).toMatchObject({ kind: 'events', events: [{ type: 'match_start', ts: AT }] });
  });

  it('acknowledges map_picked without events but remembers the map', async () => {
    // Act
    const result = mapped(matchzyMapPicked('de_ancient', 2));

    // Assess
    expect(result).toMatchObject({ kind: 'ignored', state: { maps: { '2': 'de_ancient' } } });
  });

  it('keeps series_end with the series score', async () => {
    // Prepare
    const state = stateOf(mapped(matchzySeriesStart()));
    const payload = {
      event: 'series_end',
      matchid: 14272,
      team1_series_score: 2,
      team2_series_score: 1,
      winner: { side: '3', team: 'team1' },
      time_until_restore: 45,
    };

    // Act
    const result = mapped(payload, state);

    // Assess
    expect(result).toMatchObject({
      kind: 'events',
      events: [
        { type: 'series_end', unknown: true, team1SeriesScore: 2, team2SeriesScore: 1, team1: TEAM1.name },
      ],
    });
  });

  it('starts over when a payload names another match', async () => {
    // Prepare: a state with a score in match 14272.
    const before = stateOf(
      mapped(
        matchzyRoundEnd({ winnerSide: 'CT', score: { team1: 0, team2: 1 } }),
        initialWebhookMatchState('14272'),
      ),
    );
    expect(before.score).toEqual({ team1: 0, team2: 1 });

    // Act
    const result = mapped(goingLive(14273), before);

    // Assess
    expect(stateOf(result)).toMatchObject({ matchId: '14273', score: { team1: 0, team2: 0 }, ctTeam: null });
  });

  it('turns get5 pauses and backup restores into catalog events', async () => {
    // Act
    const paused = mapped({
      event: 'game_paused',
      matchid: 'g',
      map_number: 0,
      team: 'team1',
      pause_type: 'tactical',
    });
    const unpaused = mapped({
      event: 'game_unpaused',
      matchid: 'g',
      map_number: 0,
      team: 'team1',
      pause_type: 'tactical',
    });
    const restored = mapped({
      event: 'backup_loaded',
      matchid: 'g',
      map_number: 0,
      round_number: 7,
      filename: 'x.txt',
    });

    // Assess
    expect([paused, unpaused, restored].map((m) => (m.kind === 'events' ? m.events : []))).toEqual([
      [{ type: 'pause', ts: AT, kind: 'tactical' }],
      [{ type: 'unpause', ts: AT }],
      [{ type: 'backup_restore', ts: AT, round: 7 }],
    ]);
  });

  it.each(['knife_start', 'side_picked', 'demo_upload_ended', 'stats_updated'])(
    'acknowledges %s with nothing to map',
    async (event) => {
      // Act
      const result = mapped({ event, matchid: 1 });

      // Assess
      expect(result).toMatchObject({
        kind: 'ignored',
        event,
        reason: expect.stringContaining('nothing to map'),
      });
    },
  );

  it('acknowledges an event it does not know, naming it', async () => {
    // Act
    const result = mapped({ event: 'player_became_coach', matchid: 1 });

    // Assess
    expect(result).toMatchObject({ kind: 'ignored', reason: 'unknown webhook event "player_became_coach"' });
  });
});
