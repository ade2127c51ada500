import { describe, expect, it } from 'vitest';
import { checkEvents } from '../codec/event-validation.ts';
import type { AnyEvent, EventOf } from '../events/index.ts';
import { mapWebhookEvent } from './map-webhook-event.ts';
import { get5RoundEnd, matchzyRoundEnd, ROSTER, TEAM1, TEAM2 } from './test-helpers.ts';
import { initialWebhookMatchState, type WebhookMatchState } from './webhook-match-state.ts';
import type { JsonObject } from './webhook-payload.ts';
import type { WebhookSource } from './webhook-source.ts';

const AT = 1_779_040_800_000;

/** Maps payloads in order, each from the state the one before left. */
function mapAll(source: WebhookSource, payloads: JsonObject[], start = initialWebhookMatchState()) {
  let state: WebhookMatchState = start;
  const outcomes = payloads.map((payload, index) => {
    const mapped = mapWebhookEvent(source, payload, state, AT + index * 1_000);
    if (mapped.kind === 'invalid') throw new Error(mapped.reason);
    state = mapped.state;
    return mapped;
  });
  return { outcomes, state };
}

function eventsOf(outcome: ReturnType<typeof mapAll>['outcomes'][number]): AnyEvent[] {
  return outcome.kind === 'events' ? outcome.events : [];
}

function roundEnds(outcomes: ReturnType<typeof mapAll>['outcomes']) {
  return outcomes
    .flatMap(eventsOf)
    .filter((event): event is EventOf<'round_end'> => event.type === 'round_end')
    .map(({ winner, reason, scoreCT, scoreT }) => ({ winner, reason, scoreCT, scoreT }));
}

describe('MatchZy round_end as servers really send it', () => {
  it('takes winner.side "3"/"2" as CT/T and ignores winner.team, which names the leading team', async () => {
    // Prepare: team2 starts on CT. Round 2 is won by team1 (T), leaving 1:1: MatchZy then says
    // winner.team "team2" (a tie names team2) although team1 won the round.
    const payloads = [
      matchzyRoundEnd({ winnerSide: 'CT', score: { team1: 0, team2: 1 } }),
      matchzyRoundEnd({ winnerSide: 'T', score: { team1: 1, team2: 1 } }),
      matchzyRoundEnd({ winnerSide: 'T', score: { team1: 2, team2: 1 } }),
    ];
    expect(payloads[1]?.winner).toEqual({ side: '2', team: 'team2' });

    // Act
    const { outcomes, state } = mapAll('matchzy', payloads);

    // Assess: scores by side follow team2 on CT.
    expect(roundEnds(outcomes)).toEqual([
      { winner: 'CT', reason: 'ct_win', scoreCT: 1, scoreT: 0 },
      { winner: 'T', reason: 't_win', scoreCT: 1, scoreT: 1 },
      { winner: 'T', reason: 't_win', scoreCT: 1, scoreT: 2 },
    ]);
    expect(state.ctTeam).toBe('team2');
    expect(state.score).toEqual({ team1: 2, team2: 1 });
  });

  it('opens each round itself (MatchZy sends no round start) and names the teams by side before it', async () => {
    // Act
    const { outcomes } = mapAll('matchzy', [
      matchzyRoundEnd({ winnerSide: 'CT', score: { team1: 0, team2: 1 }, withStats: false }),
      matchzyRoundEnd({ winnerSide: 'CT', score: { team1: 0, team2: 2 }, withStats: false }),
    ]);

    // Assess
    expect(outcomes.map((outcome) => eventsOf(outcome).map((event) => event.type))).toEqual([
      ['team_names', 'round_start', 'round_end'],
      ['round_start', 'round_end'],
    ]);
    expect(eventsOf(outcomes[0]!)[0]).toEqual({ type: 'team_names', ts: AT, ct: TEAM2.name, t: TEAM1.name });
  });

  it('follows the halftime side swap: the team that scores on the winning side is on that side now', async () => {
    // Prepare: 12 rounds with team1 on T winning all, then team1 wins round 13 as CT.
    const firstHalf = Array.from({ length: 12 }, (_, index) =>
      matchzyRoundEnd({ winnerSide: 'T', score: { team1: index + 1, team2: 0 }, withStats: false }),
    );
    const afterSwap = matchzyRoundEnd({ winnerSide: 'CT', score: { team1: 13, team2: 0 }, withStats: false });

    // Act
    const { outcomes, state } = mapAll('matchzy', [...firstHalf, afterSwap]);

    // Assess
    const last = eventsOf(outcomes.at(-1)!);
    expect(last).toEqual([
      { type: 'team_names', ts: expect.any(Number), ct: TEAM1.name, t: TEAM2.name },
      { type: 'round_start', ts: expect.any(Number) },
      { type: 'round_end', ts: expect.any(Number), winner: 'CT', reason: 'ct_win', scoreCT: 13, scoreT: 0 },
    ]);
    expect(state.ctTeam).toBe('team1');
  });

  it('accepts the schema form "ct"/"t" of winner.side as well', async () => {
    // Prepare
    const payload = matchzyRoundEnd({ winnerSide: 'T', score: { team1: 1, team2: 0 } });
    payload.winner = { side: 't', team: 'team1' };

    // Act
    const { outcomes } = mapAll('matchzy', [payload]);

    // Assess: team1 won on T, so team2 is on CT.
    expect(roundEnds(outcomes)).toEqual([{ winner: 'T', reason: 't_win', scoreCT: 0, scoreT: 1 }]);
  });

  it.each([
    [1, 'target_bombed'],
    [7, 'bomb_defused'],
    [8, 'ct_win'],
    [9, 't_win'],
    [12, 'target_saved'],
    [17, 't_surrender'],
    [18, 'ct_surrender'],
  ])('reads MatchZy reason %i (the game numbering) as %s', async (code, reason) => {
    // Act
    const { outcomes } = mapAll('matchzy', [
      matchzyRoundEnd({ winnerSide: 'CT', score: { team1: 0, team2: 1 }, reason: code }),
    ]);

    // Assess
    expect(roundEnds(outcomes)[0]?.reason).toBe(reason);
  });

  it('falls back to the winner for a reason MatchZy does not fill in (0) or one of another mode', async () => {
    // Act
    const { outcomes } = mapAll('matchzy', [
      matchzyRoundEnd({ winnerSide: 'T', score: { team1: 1, team2: 0 }, reason: 0 }),
      matchzyRoundEnd({ winnerSide: 'CT', score: { team1: 1, team2: 1 }, reason: 11 }),
    ]);

    // Assess
    expect(roundEnds(outcomes).map((round) => round.reason)).toEqual(['t_win', 'ct_win']);
  });

  it('works out the winner from the score when winner.side is "0", once the sides are known', async () => {
    // Act
    const { outcomes } = mapAll('matchzy', [
      matchzyRoundEnd({ winnerSide: 'CT', score: { team1: 0, team2: 1 } }),
      matchzyRoundEnd({ winnerSide: '0', score: { team1: 1, team2: 1 }, reason: 0 }),
    ]);

    // Assess: team1 scored, and team2 is on CT.
    expect(roundEnds(outcomes)[1]).toEqual({ winner: 'T', reason: 't_win', scoreCT: 1, scoreT: 1 });
  });

  it('does not guess a round whose winner nothing tells', async () => {
    // Act
    const { outcomes, state } = mapAll('matchzy', [
      matchzyRoundEnd({ winnerSide: '0', score: { team1: 0, team2: 1 }, reason: 0 }),
    ]);

    // Assess
    expect(outcomes[0]).toMatchObject({
      kind: 'ignored',
      reason: expect.stringContaining('no winning side'),
    });
    expect(state.score).toEqual({ team1: 0, team2: 0 });
  });

  it("keeps the players' cumulative stats as a server_round_stats table, like the CS2 log's", async () => {
    // Prepare
    const payload = matchzyRoundEnd({ winnerSide: 'CT', score: { team1: 0, team2: 1 } });

    // Act
    const { outcomes } = mapAll('matchzy', [payload]);
    const table = eventsOf(outcomes[0]!).find((event) => event.type === 'server_round_stats');

    // Assess: the round about to be played (2), the score before it, team2 on CT.
    expect(table).toEqual({
      type: 'server_round_stats',
      ts: AT,
      round: 2,
      scoreCT: 1,
      scoreT: 0,
      players: [
        ...ROSTER.team1.map((player) => ({
          steamId: player.steamid,
          side: 'T',
          stats: { kills: 0, deaths: 1, assists: 0, damage: 0, headshot_kills: 0 },
        })),
        ...ROSTER.team2.map((player, index) => ({
          steamId: player.steamid,
          side: 'CT',
          stats: {
            kills: index === 0 ? 1 : 0,
            deaths: 1,
            assists: 0,
            damage: index === 0 ? 100 : 0,
            headshot_kills: 0,
          },
        })),
      ],
    });
    expect(checkEvents(eventsOf(outcomes[0]!))).toMatchObject({ ok: true, unknownTypes: 0 });
  });
});

describe('get5 round_end', () => {
  it('uses the teams own sides and its reason numbering (the game number minus one)', async () => {
    // Act
    const { outcomes, state } = mapAll('get5', [
      get5RoundEnd({ winnerTeam: 'team1', team1Side: 'T', score: { team1: 1, team2: 0 }, reason: 0 }),
      get5RoundEnd({ winnerTeam: 'team2', team1Side: 'T', score: { team1: 1, team2: 1 }, reason: 6 }),
      get5RoundEnd({ winnerTeam: 'team2', team1Side: 'T', score: { team1: 1, team2: 2 }, reason: 11 }),
    ]);

    // Assess
    expect(roundEnds(outcomes)).toEqual([
      { winner: 'T', reason: 'target_bombed', scoreCT: 0, scoreT: 1 },
      { winner: 'CT', reason: 'bomb_defused', scoreCT: 1, scoreT: 1 },
      { winner: 'CT', reason: 'target_saved', scoreCT: 2, scoreT: 1 },
    ]);
    expect(state.ctTeam).toBe('team2');
  });

  it('takes get5 winner.team at its word when the side is missing (get5 names the real winner)', async () => {
    // Prepare
    const first = get5RoundEnd({ winnerTeam: 'team1', team1Side: 'CT', score: { team1: 1, team2: 0 } });
    const second = get5RoundEnd({ winnerTeam: 'team2', team1Side: 'CT', score: { team1: 1, team2: 1 } });
    second.winner = { side: null, team: 'team2' };
    for (const team of [second.team1, second.team2] as JsonObject[]) delete team.side;

    // Act
    const { outcomes } = mapAll('get5', [first, second]);

    // Assess
    expect(roundEnds(outcomes)[1]).toMatchObject({ winner: 'T', scoreCT: 1, scoreT: 1 });
  });

  it('does not open a second round when get5 already sent round_start', async () => {
    // Act
    const { outcomes } = mapAll('get5', [
      { event: 'round_start', matchid: 'get5-match-7', map_number: 0, round_number: 0 },
      get5RoundEnd({ winnerTeam: 'team1', team1Side: 'CT', score: { team1: 1, team2: 0 } }),
    ]);

    // Assess
    expect(outcomes.flatMap(eventsOf).map((event) => event.type)).toEqual([
      'round_start',
      'team_names',
      'round_end',
    ]);
  });
});

describe('map_result', () => {
  it('ends the map with the score by side, not trusting MatchZy winner.side', async () => {
    // Prepare: team2 on CT leads 13:5; MatchZy writes winner.side "2" (T) because team1 does not lead.
    const { state } = mapAll('matchzy', [
      matchzyRoundEnd({ winnerSide: 'CT', score: { team1: 0, team2: 1 } }),
    ]);
    const payload = {
      event: 'map_result',
      matchid: 14272,
      map_number: 0,
      winner: { side: '2', team: 'team2' },
      team1: { ...TEAM1, series_score: 0, score: 5, score_ct: 0, score_t: 0, players: [] },
      team2: { ...TEAM2, series_score: 1, score: 13, score_ct: 0, score_t: 0, players: [] },
    };

    // Act
    const mapped = mapWebhookEvent('matchzy', payload, state, AT);

    // Assess
    expect(mapped).toMatchObject({
      kind: 'events',
      events: [{ type: 'match_end', ts: AT, scoreCT: 13, scoreT: 5 }],
    });
  });
});
