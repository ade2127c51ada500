import { describe, expect, it } from 'vitest';
import { checkEvents } from '../codec/event-validation.ts';
import type { AnyEvent } from '../events/index.ts';
import { mapWebhookEvent } from './map-webhook-event.ts';
import { get5Player } from './test-helpers.ts';
import { initialWebhookMatchState } from './webhook-match-state.ts';
import type { JsonObject } from './webhook-payload.ts';

const AT = 1_779_040_800_000;
const KILLER = '76561198000000001';
const VICTIM = '76561198000000101';
const FLASHER = '76561198000000002';

function eventsOf(payload: JsonObject): AnyEvent[] {
  const mapped = mapWebhookEvent('get5', payload, initialWebhookMatchState('g'), AT);
  if (mapped.kind !== 'events') throw new Error(mapped.kind === 'invalid' ? mapped.reason : mapped.reason);
  const checked = checkEvents(structuredClone(mapped.events));
  if (!checked.ok) throw new Error(checked.message);
  return mapped.events;
}

function death(overrides: JsonObject = {}): JsonObject {
  return {
    event: 'player_death',
    matchid: 'g',
    map_number: 0,
    round_number: 3,
    round_time: 51_434,
    player: get5Player(VICTIM, 'victim', 't'),
    weapon: { name: 'ak47', id: 7 },
    bomb: false,
    headshot: true,
    thru_smoke: false,
    penetrated: 1,
    attacker_blind: false,
    no_scope: false,
    suicide: false,
    friendly_fire: false,
    attacker: get5Player(KILLER, 'killer', 'ct'),
    assist: { player: get5Player(FLASHER, 'flasher', 'ct'), friendly_fire: false, flash_assist: true },
    ...overrides,
  };
}

describe('get5 player_death', () => {
  it('becomes a player_death with attacker, flash assist and the kill modifiers', async () => {
    // Act
    const events = eventsOf(death());

    // Assess
    expect(events).toEqual([
      {
        type: 'player_death',
        ts: AT,
        victim: VICTIM,
        attacker: KILLER,
        weapon: 'ak47',
        assister: FLASHER,
        assistedFlash: true,
        headshot: true,
        penetrated: 1,
      },
    ]);
  });

  it('names bots BOT:<name> as the CS2 log does, whatever get5 steamid says', async () => {
    // Act
    const events = eventsOf(death({ attacker: get5Player('BOT-12', 'BOT Gary', 'ct', true), assist: null }));

    // Assess
    expect(events[0]).toMatchObject({ attacker: 'BOT:Gary', victim: VICTIM });
  });

  it('writes a suicide by grenade as the victim own kill, and a fall with no attacker', async () => {
    // Act
    const grenade = eventsOf(
      death({ suicide: true, attacker: null, assist: null, weapon: { name: 'hegrenade', id: 44 } }),
    );
    const fall = eventsOf(
      death({ suicide: true, attacker: null, assist: null, weapon: { name: 'world', id: 0 } }),
    );

    // Assess
    expect(grenade[0]).toMatchObject({ attacker: VICTIM, victim: VICTIM, weapon: 'hegrenade' });
    expect(fall[0]).not.toHaveProperty('attacker');
  });

  it('acknowledges a death of Console or GOTV (no SteamID) without an event', async () => {
    // Act
    const mapped = mapWebhookEvent(
      'get5',
      death({ player: { steamid: '', name: 'GOTV' } }),
      initialWebhookMatchState(),
      AT,
    );

    // Assess
    expect(mapped).toMatchObject({ kind: 'ignored', reason: 'names no player with a SteamID' });
  });
});

describe('get5 bomb events', () => {
  it('plants and defuses at the site in the log form (A/B), and explodes', async () => {
    // Prepare
    const base = { matchid: 'g', map_number: 0, round_number: 4, round_time: 30_000 };

    // Act
    const planted = eventsOf({
      ...base,
      event: 'bomb_planted',
      player: get5Player(KILLER, 'k', 't'),
      site: 'a',
    });
    const defused = eventsOf({
      ...base,
      event: 'bomb_defused',
      player: get5Player(VICTIM, 'v', 'ct'),
      site: 'b',
      bomb_time_remaining: 3_000,
    });
    const exploded = eventsOf({ ...base, event: 'bomb_exploded', site: 'a' });

    // Assess
    expect([...planted, ...defused, ...exploded]).toEqual([
      { type: 'bomb_planted', ts: AT, steamId: KILLER, site: 'A' },
      { type: 'bomb_defused', ts: AT, steamId: VICTIM, site: 'B' },
      { type: 'bomb_exploded', ts: AT, site: 'A' },
    ]);
  });
});

describe('get5 players, chat and grenades', () => {
  it('maps connects, disconnects and team chat', async () => {
    // Act
    const events = [
      ...eventsOf({ event: 'player_connect', matchid: 'g', player: get5Player(KILLER, 'killer') }),
      ...eventsOf({ event: 'player_disconnect', matchid: 'g', player: get5Player(KILLER, 'killer') }),
      ...eventsOf({
        event: 'player_say',
        matchid: 'g',
        map_number: 0,
        round_number: 1,
        round_time: 0,
        player: get5Player(KILLER, 'killer'),
        command: 'say_team',
        message: 'eco\u200b',
      }),
    ];

    // Assess
    expect(events).toEqual([
      { type: 'player_connect', ts: AT, steamId: KILLER, name: 'killer' },
      { type: 'player_disconnect', ts: AT, steamId: KILLER },
      { type: 'chat', ts: AT, steamId: KILLER, text: 'eco\u200b', teamOnly: true },
    ]);
  });

  it('turns a flashbang detonation into the detonation and one player_blind per victim', async () => {
    // Act
    const events = eventsOf({
      event: 'flashbang_detonated',
      matchid: 'g',
      map_number: 0,
      round_number: 1,
      round_time: 20_000,
      player: get5Player(FLASHER, 'flasher'),
      weapon: { name: 'flashbang', id: 43 },
      victims: [
        { player: get5Player(VICTIM, 'victim', 't'), friendly_fire: false, blind_duration: 2.5 },
        { player: { steamid: '', name: 'GOTV' }, friendly_fire: false, blind_duration: 1 },
      ],
    });

    // Assess
    expect(events).toEqual([
      { type: 'grenade_detonate', ts: AT, steamId: FLASHER, grenade: 'flashbang' },
      { type: 'player_blind', ts: AT, attacker: FLASHER, victim: VICTIM, duration: 2.5 },
    ]);
  });

  it('maps a thrown grenade', async () => {
    // Act
    const events = eventsOf({
      event: 'grenade_thrown',
      matchid: 'g',
      player: get5Player(KILLER, 'killer'),
      weapon: { name: 'smokegrenade', id: 45 },
    });

    // Assess
    expect(events).toEqual([{ type: 'grenade_thrown', ts: AT, steamId: KILLER, grenade: 'smokegrenade' }]);
  });
});
