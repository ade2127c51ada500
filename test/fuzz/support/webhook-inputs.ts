/**
 * MatchZy and get5 webhook payloads: every event the specs (`fixtures/webhooks/*-event_schema.yml`)
 * declare, shaped with the fields the specs give them (match id, map, round, teams, players,
 * weapons, winner), plus the realistic payloads of the domain's test factories; then mutated
 * (values of another type, past their bounds, hostile strings in every string, extra keys).
 */
import fc from 'fast-check';
import type { JsonObject, WebhookSource } from '../../../shared/domain/webhooks/index.ts';
import {
  get5Player,
  get5RoundEnd,
  goingLive,
  matchzyMapPicked,
  matchzyRoundEnd,
  matchzySeriesStart,
} from '../../../shared/domain/webhooks/test-helpers.ts';
import { specWebhookEvents } from './fixture-inputs.ts';
import { hostileString, hostileValue } from './hostile-values.ts';
import { applyValueMutation, type ValueMutation, valueMutation, withSteps } from './value-mutations.ts';

const SPEC_EVENTS = specWebhookEvents();

function player(steamid: string, name: string, side: string): JsonObject {
  return { steamid, name, user_id: 3, side, is_bot: false };
}

/** A payload of `event` with the fields the specs give events of its kind. */
function specPayload(source: WebhookSource, event: string): JsonObject {
  const matchid = source === 'matchzy' ? 14272 : '14272';
  const team = (id: string, name: string, score: number, side: string): JsonObject => ({
    id,
    name,
    series_score: 0,
    score,
    score_ct: side === 'ct' ? score : 0,
    score_t: side === 't' ? score : 0,
    side,
    starting_side: side,
    players: [
      {
        ...player('76561198279375306', 's1mple', side),
        stats: { kills: 3, deaths: 1, damage: 290, headshot_kills: 1 },
      },
    ],
  });
  return {
    event,
    matchid,
    map_number: 0,
    map_name: 'de_nuke',
    round_number: 4,
    round_time: 51_434,
    reason: 8,
    winner: { side: source === 'matchzy' ? '3' : 'ct', team: 'team1' },
    team1: team('2843', 'Natus Vincere', 3, 'ct'),
    team2: team('1337', 'Team Spirit', 1, 't'),
    team: 'team1',
    side: 'ct',
    player: player('76561198279375306', 's1mple', 'ct'),
    attacker: player('76561198279375306', 's1mple', 'ct'),
    assist: { player: player('76561198034202275', 'b1t', 'ct'), friendly_fire: false, flash_assist: true },
    weapon: { name: 'ak47', id: 7 },
    headshot: true,
    penetrated: false,
    thru_smoke: false,
    no_scope: false,
    attacker_blind: false,
    friendly_fire: false,
    site: 'a',
    pause_type: 'tactical',
    message: 'gg',
    filename: '1324_map_0_de_nuke.dem',
    new_state: 'live',
    old_state: 'warmup',
    num_maps: 1,
    time_remaining: 30,
    round: 3,
    success: true,
  };
}

/** The payloads mutations start from: one per spec event and source, and the factories'. */
export const BASE_PAYLOADS: readonly { source: WebhookSource; payload: JsonObject }[] = [
  ...SPEC_EVENTS.matchzy.map((event) => ({
    source: 'matchzy' as const,
    payload: specPayload('matchzy', event),
  })),
  ...SPEC_EVENTS.get5.map((event) => ({ source: 'get5' as const, payload: specPayload('get5', event) })),
  { source: 'matchzy', payload: matchzySeriesStart() },
  { source: 'matchzy', payload: matchzyMapPicked('de_ancient') },
  { source: 'matchzy', payload: goingLive() },
  { source: 'matchzy', payload: matchzyRoundEnd({ winnerSide: 'T', score: { team1: 1, team2: 0 } }) },
  { source: 'get5', payload: goingLive('g5-1') },
  {
    source: 'get5',
    payload: get5RoundEnd({ winnerTeam: 'team1', team1Side: 'CT', score: { team1: 1, team2: 0 } }),
  },
  {
    source: 'get5',
    payload: {
      event: 'player_say',
      matchid: 'g5-1',
      player: get5Player('76561198034202275', 'b1t'),
      message: 'hi',
    },
  },
];

export interface WebhookCase {
  source: WebhookSource;
  /** Payloads of one server, in order (the mapper's state carries from one to the next). */
  payloads: unknown[];
  steps: string[];
}

const mutatedPayload = fc
  .record({
    base: fc.nat({ max: BASE_PAYLOADS.length - 1 }),
    mutations: fc.array(
      fc.oneof(
        { weight: 4, arbitrary: valueMutation },
        // the `event` name and `matchid`, which every mapping reads first
        {
          weight: 1,
          arbitrary: fc.record({
            kind: fc.constant('replace' as const),
            choices: fc.constantFrom([0], [1]),
            value: fc.oneof(hostileValue, hostileString),
          }),
        },
      ),
      { maxLength: 3 },
    ),
    whole: fc.oneof(
      { weight: 9, arbitrary: fc.constant<unknown>(undefined) },
      { weight: 1, arbitrary: hostileValue },
    ),
  })
  .map(({ base, mutations, whole }) => {
    const { source, payload } = BASE_PAYLOADS[base]!;
    if (whole !== undefined) return { source, payload: whole, steps: ['the whole body replaced'] };
    const copy = structuredClone(payload);
    const steps = [`${source} ${String(payload.event)}`];
    for (const change of mutations as ValueMutation[])
      steps.push(applyValueMutation(copy, change, 'payload'));
    return { source, payload: copy as unknown, steps };
  });

/** One to four payloads of one source, each maybe mutated. */
export const webhookCase: fc.Arbitrary<WebhookCase> = fc
  .tuple(
    fc.constantFrom<WebhookSource>('matchzy', 'get5'),
    fc.array(mutatedPayload, { minLength: 1, maxLength: 4 }),
  )
  .map(([source, cases]) =>
    withSteps({
      source,
      payloads: cases.map((item) => item.payload),
      steps: cases.flatMap((item) => item.steps),
    }),
  );
