import { describe, expect, it } from 'vitest';
import type { GameEvent } from '../events/index.ts';
import { createLogParseContext, type LogParseContext } from './log-parse-context.ts';
import { type ParsedLine, parseLogLine } from './parse-log-line.ts';

/** 2026-01-19 19:03:37 UTC. */
const TS = Date.UTC(2026, 0, 19, 19, 3, 37);
const file = (body: string, time = '19:03:37') => `L 01/19/2026 - ${time}: ${body}`;
const http = (body: string, time = '19:03:37.250') => `01/19/2026 - ${time} - ${body}`;

const CZAR = '"Czar<1><[U:1:91379634]><CT>"';
const CZAR_ID = '76561198051645362';
const WIET = '"Wiethoofd<10><[U:1:29856109]><TERRORIST>"';
const WIET_ID = '76561197990121837';
const BOT = '"Bot Ali<12><BOT><TERRORIST>"';
const ZW = '\u200b';

function parse(line: string, context: LogParseContext = createLogParseContext()): ParsedLine {
  return parseLogLine(line, context);
}

function events(...items: GameEvent[]): ParsedLine {
  return { kind: 'events', events: items };
}

/** Parses lines in order with one context and returns what each gave. */
function parseAll(lines: string[], context = createLogParseContext()): ParsedLine[] {
  return lines.map((line) => parseLogLine(line, context));
}

describe('parseLogLine: prefixes and time', () => {
  it('reads the file prefix (seconds) and the HTTP prefix (milliseconds)', async () => {
    // Act
    const fromFile = parse(file('World triggered "Warmup_Start"'));
    const fromHttp = parse(http('World triggered "Warmup_Start"'));

    // Assess
    expect(fromFile).toEqual(events({ type: 'warmup_start', ts: TS }));
    expect(fromHttp).toEqual(events({ type: 'warmup_start', ts: TS + 250 }));
  });

  it('turns server local time into UTC with the context offset', async () => {
    // Prepare: a server on UTC+1 logs 20:03:37 local for 19:03:37 UTC
    const context = createLogParseContext({ utcOffsetMinutes: 60 });

    // Act
    const parsed = parse(file('World triggered "Warmup_End"', '20:03:37'), context);

    // Assess
    expect(parsed).toEqual(events({ type: 'warmup_end', ts: TS }));
  });

  it.each([
    ['no prefix', 'World triggered "Round_Start"'],
    ['a month 13', 'L 13/19/2026 - 19:03:37: World triggered "Round_Start"'],
    ['February 30th', 'L 02/30/2026 - 19:03:37: World triggered "Round_Start"'],
    ['a minute 61', 'L 01/19/2026 - 19:61:37: World triggered "Round_Start"'],
    ['no separator after the time', 'L 01/19/2026 - 19:03:37World triggered "Round_Start"'],
    ['a cut line', 'L 01/19/2026 - 19:0'],
  ])('calls a line with %s malformed', async (_, line) => {
    // Act / Assess
    expect(parse(line)).toMatchObject({ kind: 'malformed', reason: expect.stringContaining('timestamp') });
  });

  it('calls a well-prefixed line it does not know unknown, with a reason', async () => {
    // Act / Assess
    expect(parse(file('Something new the server says'))).toEqual({
      kind: 'unknown',
      reason: 'unrecognised line',
    });
    expect(parse(file(`${CZAR} did a new thing`))).toMatchObject({ kind: 'unknown' });
  });
});

describe('parseLogLine: combat', () => {
  it('reads a kill with positions, weapon and no modifier', async () => {
    // Act
    const parsed = parse(file(`${CZAR} [-835 525 -32] killed ${WIET} [-762 615 -30] with "m4a1_silencer"`));

    // Assess
    expect(parsed).toEqual(
      events({
        type: 'player_death',
        ts: TS,
        attacker: CZAR_ID,
        victim: WIET_ID,
        weapon: 'm4a1_silencer',
        headshot: false,
        penetrated: false,
        noscope: false,
        thrusmoke: false,
        attackerBlind: false,
        attackerPos: [-835, 525, -32],
        victimPos: [-762, 615, -30],
      }),
    );
  });

  it.each([
    ['(headshot)', { headshot: true }],
    ['(penetrated)', { penetrated: true }],
    ['(headshot penetrated)', { headshot: true, penetrated: true }],
    ['(headshot noscope)', { headshot: true, noscope: true }],
    ['(throughsmoke)', { thrusmoke: true }],
    ['(attackerblind)', { attackerBlind: true }],
    ['(attackerinair)', {}],
    ['(headshot) (penetrated) (throughsmoke)', { headshot: true, penetrated: true, thrusmoke: true }],
  ])('reads the kill modifiers %s', async (modifiers, flags) => {
    // Act
    const parsed = parse(file(`${CZAR} [1 2 3] killed ${WIET} [4 5 6] with "awp" ${modifiers}`));

    // Assess
    expect(parsed).toMatchObject({
      kind: 'events',
      events: [
        {
          headshot: false,
          penetrated: false,
          noscope: false,
          thrusmoke: false,
          attackerBlind: false,
          ...flags,
        },
      ],
    });
  });

  it('names bots BOT:<name>', async () => {
    // Act
    const parsed = parse(file(`${BOT} [1 2 3] killed ${CZAR} [4 5 6] with "ak47"`));

    // Assess
    expect(parsed).toMatchObject({ kind: 'events', events: [{ attacker: 'BOT:Bot Ali', victim: CZAR_ID }] });
  });

  it('does not call a prop kill a player death', async () => {
    // Act
    const parsed = parse(
      file(`${CZAR} [1837 2951 134] killed other "chicken<145>" [944 2662 140] with "knife"`),
    );

    // Assess
    expect(parsed).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('prop kill') });
  });

  it('reads damage with armor, health left and hit group', async () => {
    // Act
    const parsed = parse(
      file(
        `${CZAR} [-884 537 -32] attacked ${WIET} [-1035 564 -47] with "m4a1" (damage "90") (damage_armor "19") (health "10") (armor "81") (hitgroup "right arm")`,
      ),
    );

    // Assess
    expect(parsed).toEqual(
      events({
        type: 'player_hurt',
        ts: TS,
        victim: WIET_ID,
        weapon: 'm4a1',
        dmgHealth: 90,
        dmgArmor: 19,
        health: 10,
        armor: 81,
        hitgroup: 'right arm',
        attackerPos: [-884, 537, -32],
        victimPos: [-1035, 564, -47],
        attacker: CZAR_ID,
      }),
    );
  });

  it('calls damage with an unreadable value malformed', async () => {
    // Act
    const parsed = parse(
      file(
        `${CZAR} [1 2 3] attacked ${WIET} [4 5 6] with "m4a1" (damage "x") (damage_armor "0") (health "0") (armor "0") (hitgroup "head")`,
      ),
    );

    // Assess
    expect(parsed).toMatchObject({ kind: 'malformed' });
  });

  it('calls a kill with a broken position malformed', async () => {
    // Act / Assess
    expect(parse(file(`${CZAR} [1 2] killed ${WIET} [4 5 6] with "ak47"`))).toMatchObject({
      kind: 'malformed',
    });
    expect(parse(file(`${CZAR} [1 2 3] killed ${WIET} [4 5 6 with "ak47"`))).toMatchObject({
      kind: 'malformed',
    });
  });

  it('reads assists and flash assists as partial lines for the preceding kill', async () => {
    // Act
    const assist = parse(file(`${CZAR} assisted killing ${WIET}`));
    const flash = parse(http(`${CZAR} flash-assisted killing ${WIET}`));

    // Assess
    expect(assist).toEqual({
      kind: 'assist',
      assist: { ts: TS, assister: CZAR_ID, victim: WIET_ID, flash: false },
    });
    expect(flash).toEqual({
      kind: 'assist',
      assist: { ts: TS + 250, assister: CZAR_ID, victim: WIET_ID, flash: true },
    });
  });

  it('reads a suicide by the world without an attacker, and by own grenade with the player as attacker', async () => {
    // Act
    const world = parse(file(`${CZAR} [-1676 352 -64] committed suicide with "world"`));
    const grenade = parse(file(`${CZAR} [10 20 30] committed suicide with "hegrenade"`));

    // Assess
    expect(world).toEqual(
      events({
        type: 'player_death',
        ts: TS,
        victim: CZAR_ID,
        weapon: 'world',
        victimPos: [-1676, 352, -64],
      }),
    );
    expect(grenade).toEqual(
      events({
        type: 'player_death',
        ts: TS,
        attacker: CZAR_ID,
        victim: CZAR_ID,
        weapon: 'hegrenade',
        attackerPos: [10, 20, 30],
        victimPos: [10, 20, 30],
      }),
    );
  });

  it('reads a death by the bomb', async () => {
    // Act
    const parsed = parse(file(`${CZAR} [-586 -856 85] was killed by the bomb.`));

    // Assess
    expect(parsed).toEqual(
      events({
        type: 'player_death',
        ts: TS,
        victim: CZAR_ID,
        weapon: 'planted_c4',
        victimPos: [-586, -856, 85],
      }),
    );
  });

  it('reads a blind with its duration and thrower', async () => {
    // Act: the server ends this line with a space
    const parsed = parse(file(`${WIET} blinded for 1.01 by ${CZAR} from flashbang entindex 568 `));

    // Assess
    expect(parsed).toEqual(
      events({ type: 'player_blind', ts: TS, victim: WIET_ID, duration: 1.01, attacker: CZAR_ID }),
    );
  });
});

describe('parseLogLine: utility, objective and economy', () => {
  it.each([
    ['hegrenade [-1 2 3]', 'hegrenade'],
    ['molotov [902 638 98]', 'molotov'],
    ['smokegrenade [735 2440 138]', 'smokegrenade'],
    ['flashbang [1172 435 158] flashbang entindex 930)', 'flashbang'],
  ])('reads a grenade throw: threw %s', async (rest, grenade) => {
    // Act
    const parsed = parse(file(`${CZAR} threw ${rest}`));

    // Assess
    expect(parsed).toMatchObject({
      kind: 'events',
      events: [{ type: 'grenade_thrown', steamId: CZAR_ID, grenade }],
    });
  });

  it('ignores the grenade debug lines', async () => {
    // Act / Assess
    expect(parse(file(`${CZAR} sv_throw_hegrenade 1 2 3 0 0 0 -4 5 6 7 8 9 10 11`))).toMatchObject({
      kind: 'ignored',
    });
    expect(parse(file('Molotov projectile spawned at 1.0 2.0 3.0, velocity 4.0 5.0 6.0'))).toMatchObject({
      kind: 'ignored',
    });
  });

  it('reads a plant, names the last defuser when the round ends by defuse, and keeps the site', async () => {
    // Act
    const parsed = parseAll([
      file('World triggered "Round_Start"', '19:10:29'),
      file(`${WIET} triggered "Bomb_Begin_Plant" at bombsite A`, '19:10:53'),
      file(`${WIET} triggered "Planted_The_Bomb" at bombsite A`, '19:10:56'),
      file(`"BlobenZ<4><[U:1:193288330]><CT>" triggered "Begin_Bomb_Defuse_With_Kit"`, '19:11:00'),
      file(`${CZAR} triggered "Begin_Bomb_Defuse_Without_Kit"`, '19:11:12'),
      file('Team "CT" triggered "SFUI_Notice_Bomb_Defused" (CT "9") (T "2")', '19:11:22'),
    ]);

    // Assess
    const at = (time: string) =>
      Date.UTC(2026, 0, 19, ...(time.split(':').map(Number) as [number, number, number]));
    expect(parsed[2]).toEqual(
      events({ type: 'bomb_planted', ts: at('19:10:56'), steamId: WIET_ID, site: 'A' }),
    );
    expect(parsed[5]).toEqual(
      events(
        { type: 'bomb_defused', ts: at('19:11:22'), steamId: CZAR_ID, site: 'A' },
        {
          type: 'round_end',
          ts: at('19:11:22'),
          winner: 'CT',
          reason: 'bomb_defused',
          scoreCT: 9,
          scoreT: 2,
        },
      ),
    );
  });

  it('reads a defuse line when the server writes one, and does not repeat it at the round end', async () => {
    // Act
    const parsed = parseAll([
      file(`${WIET} triggered "Planted_The_Bomb" at bombsite B`),
      file(`${CZAR} triggered "Defused_The_Bomb"`),
      file('Team "CT" triggered "SFUI_Notice_Bomb_Defused" (CT "1") (T "0")'),
    ]);

    // Assess
    expect(parsed[1]).toEqual(events({ type: 'bomb_defused', ts: TS, steamId: CZAR_ID, site: 'B' }));
    expect(parsed[2]).toEqual(
      events({ type: 'round_end', ts: TS, winner: 'CT', reason: 'bomb_defused', scoreCT: 1, scoreT: 0 }),
    );
  });

  it('reads the explosion from Target_Bombed, once', async () => {
    // Act
    const fromResult = parseAll([
      file(`${WIET} triggered "Planted_The_Bomb" at bombsite B`),
      file('Team "TERRORIST" triggered "SFUI_Notice_Target_Bombed" (CT "3") (T "5")'),
    ]);
    const fromTrigger = parseAll([
      file('World triggered "Target_Bombed"'),
      file('Team "TERRORIST" triggered "SFUI_Notice_Target_Bombed" (CT "3") (T "5")'),
    ]);

    // Assess
    const roundEnd: GameEvent = {
      type: 'round_end',
      ts: TS,
      winner: 'T',
      reason: 'target_bombed',
      scoreCT: 3,
      scoreT: 5,
    };
    expect(fromResult[1]).toEqual(events({ type: 'bomb_exploded', ts: TS, site: 'B' }, roundEnd));
    expect(fromTrigger).toEqual([events({ type: 'bomb_exploded', ts: TS }), events(roundEnd)]);
  });

  it('ignores bomb pickups and drops', async () => {
    // Act / Assess
    expect(parse(file(`${WIET} triggered "Got_The_Bomb"`))).toMatchObject({ kind: 'ignored' });
    expect(parse(file(`${WIET} triggered "Dropped_The_Bomb"`))).toMatchObject({ kind: 'ignored' });
  });

  it('reads money changes as one player economy and puts the cost on the purchase that follows', async () => {
    // Act: the money line names the player's slot differently, the SteamID is what matches
    const parsed = parseAll([
      file(
        '"Czar<2><[U:1:91379634]><CT>" money change 16000-1000 = $15000 (tracked) (purchase: item_assaultsuit)',
      ),
      file(`${CZAR} purchased "item_assaultsuit"`),
      file(
        '"Czar<2><[U:1:91379634]><CT>" money change 15000-3100 = $11900 (tracked) (purchase: weapon_m4a1)',
      ),
      file(`${CZAR} picked up "m4a1"`),
      file(`${CZAR} purchased "m4a1"`),
      file(`${CZAR} purchased "hegrenade"`),
      file(`${CZAR} money change 100+300 = $400 (tracked)`),
    ]);

    // Assess
    expect(parsed).toEqual([
      events({ type: 'economy', ts: TS, players: [{ steamId: CZAR_ID, money: 15000 }] }),
      events({ type: 'item_purchase', ts: TS, steamId: CZAR_ID, item: 'item_assaultsuit', cost: 1000 }),
      events({ type: 'economy', ts: TS, players: [{ steamId: CZAR_ID, money: 11900 }] }),
      expect.objectContaining({ kind: 'ignored' }),
      events({ type: 'item_purchase', ts: TS, steamId: CZAR_ID, item: 'm4a1', cost: 3100 }),
      events({ type: 'item_purchase', ts: TS, steamId: CZAR_ID, item: 'hegrenade' }),
      events({ type: 'economy', ts: TS, players: [{ steamId: CZAR_ID, money: 400 }] }),
    ]);
  });

  it('ignores inventory lines', async () => {
    // Act / Assess
    expect(
      parse(file(`${CZAR} left buyzone with [ weapon_knife weapon_deagle kevlar(100) helmet ]`)),
    ).toMatchObject({
      kind: 'ignored',
    });
    expect(parse(file(`${CZAR} dropped "deagle"`))).toMatchObject({ kind: 'ignored' });
  });
});

describe('parseLogLine: players and chat', () => {
  it('reads a team switch from the player token without a team', async () => {
    // Act
    const toT = parse(file('"Ic3wav3<2><[U:1:91023233]>" switched from team <CT> to <TERRORIST>'));
    const toUnassigned = parse(
      file('"Ic3wav3<2><[U:1:91023233]>" switched from team <TERRORIST> to <Unassigned>'),
    );
    const toSpec = parse(file('"Ic3wav3<2><[U:1:91023233]>" switched from team <CT> to <Spectator>'));

    // Assess
    const steamId = '76561198051288961';
    expect(toT).toEqual(events({ type: 'player_team', ts: TS, steamId, side: 'T' }));
    expect(toUnassigned).toEqual(events({ type: 'player_team', ts: TS, steamId, side: 'SPEC' }));
    expect(toSpec).toEqual(events({ type: 'player_team', ts: TS, steamId, side: 'SPEC' }));
  });

  it('ignores a player whose SteamID is still pending', async () => {
    // Act / Assess
    expect(
      parse(file('"Czar<1><STEAM_ID_PENDING>" switched from team <TERRORIST> to <Unassigned>')),
    ).toMatchObject({
      kind: 'ignored',
      reason: expect.stringContaining('SteamID'),
    });
  });

  it('reads connects and disconnects, and ignores the lines in between', async () => {
    // Act
    const parsed = parseAll([
      file('"Czar<1><[U:1:91379634]><>" connected, address "90.229.190.71:62716"'),
      file('"Czar<1><[U:1:91379634]><>" STEAM USERID validated'),
      file('"Czar<1><[U:1:91379634]><>" entered the game'),
      file(`${CZAR} disconnected (reason "NETWORK_DISCONNECT_DISCONNECT_BY_USER")`),
      file('"SourceTV<0><BOT><>" connected, address "(unknown)"'),
    ]);

    // Assess
    expect(parsed).toEqual([
      events({ type: 'player_connect', ts: TS, steamId: CZAR_ID, name: 'Czar' }),
      expect.objectContaining({ kind: 'ignored' }),
      expect.objectContaining({ kind: 'ignored' }),
      events({
        type: 'player_disconnect',
        ts: TS,
        steamId: CZAR_ID,
        reason: 'NETWORK_DISCONNECT_DISCONNECT_BY_USER',
      }),
      events({ type: 'player_connect', ts: TS, steamId: 'BOT:SourceTV', name: 'SourceTV' }),
    ]);
  });

  it('reads legacy STEAM_X:Y:Z ids', async () => {
    // Act
    const parsed = parse(file('"Czar<1><STEAM_1:0:45689817><CT>" say "hi"'));

    // Assess
    expect(parsed).toEqual(events({ type: 'chat', ts: TS, steamId: CZAR_ID, text: 'hi', teamOnly: false }));
  });

  it('keeps zero-width characters in names and chat text, and names with < or quotes intact', async () => {
    // Act
    const say = parse(file(`"${ZW}Cz<ar"<1><[U:1:91379634]><CT>" say "${ZW}[CM] "quoted" gg${ZW}"`));
    const team = parse(file(`"Czar${ZW}<1><[U:1:91379634]><CT>" say_team "rush b"`));
    const connect = parse(file(`"${ZW}Cz<3>ar<1><[U:1:91379634]><>" connected, address "1.2.3.4:5"`));

    // Assess
    expect(say).toEqual(
      events({ type: 'chat', ts: TS, steamId: CZAR_ID, text: `${ZW}[CM] "quoted" gg${ZW}`, teamOnly: false }),
    );
    expect(team).toEqual(events({ type: 'chat', ts: TS, steamId: CZAR_ID, text: 'rush b', teamOnly: true }));
    expect(connect).toEqual(
      events({ type: 'player_connect', ts: TS, steamId: CZAR_ID, name: `${ZW}Cz<3>ar` }),
    );
  });

  it('ignores console chat and cvar dumps', async () => {
    // Act / Assess
    expect(parse(file('"Console<0><Console><Console>" say "hello"'))).toMatchObject({ kind: 'ignored' });
    expect(parse(file('"sv_cheats" = "false"'))).toMatchObject({ kind: 'ignored', reason: 'server cvar' });
    expect(parse(file('server_cvar: "mp_friendlyfire" "false"'))).toMatchObject({ kind: 'ignored' });
  });
});

describe('parseLogLine: rounds and match flow', () => {
  it('starts a round at World Round_Start (the end of freeze time) and ignores the lines around it', async () => {
    // Act
    const parsed = parseAll([
      file('Starting Freeze period'),
      file('World triggered "Round_Start"'),
      file('World triggered "Round_End"'),
      file('World triggered "Round_Official_End"'),
    ]);

    // Assess
    expect(parsed).toEqual([
      expect.objectContaining({ kind: 'ignored' }),
      events({ type: 'round_start', ts: TS }, { type: 'round_freeze_end', ts: TS }),
      expect.objectContaining({ kind: 'ignored' }),
      events({ type: 'round_officially_ended', ts: TS }),
    ]);
  });

  it.each([
    ['CT', 'SFUI_Notice_CTs_Win', 'CT', 'ct_win'],
    ['TERRORIST', 'SFUI_Notice_Terrorists_Win', 'T', 't_win'],
    ['TERRORIST', 'SFUI_Notice_Target_Bombed', 'T', 'target_bombed'],
    ['CT', 'SFUI_Notice_Bomb_Defused', 'CT', 'bomb_defused'],
    ['CT', 'SFUI_Notice_Target_Saved', 'CT', 'target_saved'],
    ['CT', 'SFUI_Notice_Round_Draw', 'CT', 'draw'],
    ['CT', 'SFUI_Notice_Game_Commencing', 'CT', 'game_commencing'],
    ['TERRORIST', 'SFUI_Notice_CTs_Surrender', 'T', 'ct_surrender'],
    ['CT', 'SFUI_Notice_Terrorists_Surrender', 'CT', 't_surrender'],
    ['CT', 'CTs_Win', 'CT', 'ct_win'],
  ])('reads Team "%s" triggered "%s" as a round end', async (team, notice, winner, reason) => {
    // Act
    const parsed = parse(file(`Team "${team}" triggered "${notice}" (CT "10") (T "2")`));

    // Assess: a bombing also reports the explosion first (covered below)
    expect(parsed.kind === 'events' && parsed.events.at(-1)).toEqual({
      type: 'round_end',
      ts: TS,
      winner,
      reason,
      scoreCT: 10,
      scoreT: 2,
    });
  });

  it('keeps a result reason the catalog lacks as unknown, and a result without a score as malformed', async () => {
    // Act / Assess
    expect(
      parse(file('Team "CT" triggered "SFUI_Notice_All_Hostages_Rescued" (CT "1") (T "0")')),
    ).toMatchObject({
      kind: 'unknown',
      reason: expect.stringContaining('All_Hostages_Rescued'),
    });
    expect(parse(file('Team "CT" triggered "SFUI_Notice_CTs_Win"'))).toMatchObject({ kind: 'malformed' });
  });

  it('keeps a result reason named after an Object.prototype property as unknown, not as that property', async () => {
    for (const notice of ['constructor', 'toString', '__proto__', 'hasOwnProperty'])
      expect(parse(file(`Team "CT" triggered "SFUI_Notice_${notice}" (CT "1") (T "0")`))).toEqual({
        kind: 'unknown',
        reason: `round end reason ${notice} is not in the catalog`,
      });
  });

  it('ignores the score lines the result line already carries', async () => {
    // Act / Assess
    expect(parse(file('Team "CT" scored "1" with "5" players'))).toMatchObject({ kind: 'ignored' });
    expect(parse(file('MatchStatus: Score: 1:0 on map "de_inferno" RoundsPlayed: 1'))).toMatchObject({
      kind: 'ignored',
    });
  });

  it('emits team names once both sides are known, again when they change or a match starts', async () => {
    // Act
    const parsed = parseAll([
      file('Team playing "CT": rvls test team 1'),
      file('Team playing "TERRORIST": rvls test 2'),
      file('MatchStatus: Team playing "CT": rvls test team 1'),
      file('MatchStatus: Team playing "TERRORIST": rvls test 2'),
      // halftime: the teams swap sides
      file('MatchStatus: Team playing "CT": rvls test 2'),
      file('MatchStatus: Team playing "TERRORIST": rvls test team 1'),
      file('World triggered "Match_Start" on "de_inferno"'),
      file('MatchStatus: Team playing "CT": rvls test 2'),
      file('MatchStatus: Team playing "TERRORIST": rvls test team 1'),
    ]);

    // Assess
    expect(parsed.filter((line) => line.kind === 'events')).toEqual([
      events({ type: 'team_names', ts: TS, ct: 'rvls test team 1', t: 'rvls test 2' }),
      events({ type: 'team_names', ts: TS, ct: 'rvls test 2', t: 'rvls test team 1' }),
      events({ type: 'match_start', ts: TS }),
      events({ type: 'team_names', ts: TS, ct: 'rvls test 2', t: 'rvls test team 1' }),
    ]);
  });

  it('reads the map, warmup, match start and Game Over lines', async () => {
    // Act
    const parsed = parseAll([
      file('Loading map "de_inferno"'),
      file('World triggered "Warmup_Start"'),
      file('World triggered "Warmup_End"'),
      file('World triggered "Match_Start" on "de_inferno"'),
      file('Game Over: competitive  de_inferno score 2:13 after 10 min'),
      file('Game Over: competitive mg_active de_dust2 score 16:14 after 45 min'),
    ]);

    // Assess
    expect(parsed).toEqual([
      events({ type: 'map_start', ts: TS, map: 'de_inferno' }),
      events({ type: 'warmup_start', ts: TS }),
      events({ type: 'warmup_end', ts: TS }),
      events({ type: 'match_start', ts: TS }),
      events({ type: 'match_end', ts: TS, scoreCT: 2, scoreT: 13 }),
      events({ type: 'match_end', ts: TS, scoreCT: 16, scoreT: 14 }),
    ]);
  });

  it('emits one game_restart for an rcon mp_restartgame and the Restart_Round_ trigger it causes', async () => {
    // Act
    const parsed = parseAll([
      file('rcon from "20.71.36.216:61688": command "mp_restartgame 4;"', '18:59:42'),
      file('World triggered "Restart_Round_(4_seconds)"', '18:59:43'),
      file('World triggered "Restart_Round_(1_second)"', '19:20:00'),
      file('rcon from "20.71.36.216:61688": command "mp_restartgame 0"', '19:30:00'),
      file('World triggered "Game_Commencing"', '19:40:00'),
    ]);

    // Assess
    expect(
      parsed.map((line) => (line.kind === 'events' ? line.events.map((event) => event.type) : line.kind)),
    ).toEqual([['game_restart'], 'ignored', ['game_restart'], 'ignored', ['game_restart']]);
  });

  it('emits one pause and one unpause per rcon command and its server echo, and reads timeouts', async () => {
    // Act
    const parsed = parseAll([
      file('rcon from "20.71.36.216:61688": command "mp_unpause_match"', '18:59:46'),
      file('Match pause is enabled - TimeOutTs', '19:00:02'),
      file('Match pause is disabled - TimeOutTs', '19:01:02'),
      file('rcon from "20.71.36.216:61688": command "mp_warmup_start; mp_pause_match;"', '19:01:07'),
      file('Match pause is enabled - mp_pause_match', '19:01:07'),
      file('rcon from "20.71.36.216:61688": command "mp_unpause_match"', '19:01:48'),
      file('Match pause is disabled - mp_unpause_match', '19:01:48'),
      file('Match pause is enabled - TimeOutCTs', '19:05:00'),
      file('Match pause is disabled - TimeOutCTs', '19:05:30'),
    ]);

    // Assess
    expect(parsed.map((line) => (line.kind === 'events' ? line.events : line.kind))).toEqual([
      'ignored',
      [{ type: 'pause', ts: Date.UTC(2026, 0, 19, 19, 0, 2), kind: 'tactical', side: 'T' }],
      [{ type: 'unpause', ts: Date.UTC(2026, 0, 19, 19, 1, 2) }],
      [{ type: 'pause', ts: Date.UTC(2026, 0, 19, 19, 1, 7), kind: 'admin' }],
      'ignored',
      [{ type: 'unpause', ts: Date.UTC(2026, 0, 19, 19, 1, 48) }],
      'ignored',
      [{ type: 'pause', ts: Date.UTC(2026, 0, 19, 19, 5, 0), kind: 'tactical', side: 'CT' }],
      [{ type: 'unpause', ts: Date.UTC(2026, 0, 19, 19, 5, 30) }],
    ]);
  });

  it('reads every statement of a multi-command rcon line', async () => {
    // Act
    const parsed = parse(
      file('rcon from "1.2.3.4:5": command "exec cmcomp/live.cfg; mp_restartgame 1; mp_pause_match"'),
    );

    // Assess
    expect(parsed).toEqual(
      events({ type: 'game_restart', ts: TS }, { type: 'pause', ts: TS, kind: 'admin' }),
    );
  });

  it('ignores rcon status polling and commands that change no match state', async () => {
    // Act / Assess
    expect(parse(file('rcon from "89.187.167.129:40372": command "status"'))).toMatchObject({
      kind: 'ignored',
    });
    expect(parse(file(`rcon from "1.2.3.4:5": command "say ${ZW}[CM] Warmup started"`))).toMatchObject({
      kind: 'ignored',
    });
    expect(parse(file('rcon from "1.2.3.4:5": command "mp_backup_round_file_last"'))).toMatchObject({
      kind: 'ignored',
    });
    expect(
      parse(file('rcon from "1.2.3.4:5": command "logaddress_add_http "https://example.test/x?a=1&b=2""')),
    ).toMatchObject({ kind: 'ignored' });
  });
});

describe('parseLogLine: backup restores', () => {
  it('takes the round from the backup file name and swallows the reload and draw lines it causes', async () => {
    // Prepare: 12 rounds were played (9:3), then round 12 (11 played) is restored
    const context = createLogParseContext();
    parse(file('Team "CT" triggered "SFUI_Notice_CTs_Win" (CT "9") (T "3")', '19:21:00'), context);

    // Act
    const parsed = parseAll(
      [
        file(
          'rcon from "20.71.36.216:60696": command "mp_backup_restore_load_file cm_backup_cs2_match_de345abb-a155-4d1f-7839-08de566fc039_round11.txt"',
          '19:21:35',
        ),
        file('World triggered "Match_Reloaded" on "de_mirage"', '19:21:35'),
        file('World triggered "SFUI_Notice_Round_Draw" (CT "8") (T "3")', '19:21:35'),
        file('World triggered "Round_Start"', '19:21:55'),
      ],
      context,
    );

    // Assess
    const restoredAt = Date.UTC(2026, 0, 19, 19, 21, 35);
    expect(parsed.map((line) => line.kind)).toEqual(['events', 'ignored', 'ignored', 'events']);
    expect(parsed[0]).toEqual(events({ type: 'backup_restore', ts: restoredAt, round: 11 }));
  });

  it('swallows a team-credited draw with the score going down right after a restore', async () => {
    // Act
    const parsed = parseAll([
      file('rcon from "1.2.3.4:5": command "mp_backup_restore_load_file backup_round05.txt"'),
      file('Team "CT" triggered "SFUI_Notice_Round_Draw" (CT "3") (T "2")'),
      file('Team "CT" triggered "SFUI_Notice_Round_Draw" (CT "3") (T "2")', '19:30:00'),
    ]);

    // Assess
    expect(parsed).toEqual([
      events({ type: 'backup_restore', ts: TS, round: 5 }),
      expect.objectContaining({ kind: 'ignored' }),
      events({
        type: 'round_end',
        ts: Date.UTC(2026, 0, 19, 19, 30),
        winner: 'CT',
        reason: 'draw',
        scoreCT: 3,
        scoreT: 2,
      }),
    ]);
  });

  it('finds a restore with no rcon line (a vote) from Match_Reloaded and the draw score', async () => {
    // Act
    const parsed = parseAll([
      file('World triggered "Match_Reloaded" on "de_mirage"'),
      file('World triggered "SFUI_Notice_Round_Draw" (CT "11") (T "0")'),
    ]);

    // Assess
    expect(parsed).toEqual([
      expect.objectContaining({ kind: 'ignored' }),
      events({ type: 'backup_restore', ts: TS, round: 11 }),
    ]);
  });

  it('ignores a world draw that follows no restore: round_end needs a winning side', async () => {
    // Act / Assess
    expect(parse(file('World triggered "SFUI_Notice_Round_Draw" (CT "6") (T "5")'))).toMatchObject({
      kind: 'ignored',
      reason: expect.stringContaining('draw'),
    });
  });

  it('ignores a restore command whose file names no round', async () => {
    // Act / Assess
    expect(
      parse(file('rcon from "1.2.3.4:5": command "mp_backup_restore_load_file mybackup.txt"')),
    ).toMatchObject({
      kind: 'ignored',
    });
  });
});

describe('parseLogLine: round_stats blocks', () => {
  it('gathers the block lines and emits the table at JSON_END', async () => {
    // Prepare
    const lines = [
      file('JSON_BEGIN{'),
      file('"name": "round_stats",'),
      file('"round_number" : "3",'),
      file('"score_t" : "1",'),
      file('"score_ct" : "1",'),
      file('"map" : "de_inferno",'),
      file('"server" : "a server",'),
      file('"fields" : "             accountid,   team,  money,  kills,    hsp,  bombk"'),
      file('"players" : {'),
      file('"player_0" : "                   0,      0,    800,      0,   0.00,0.000000"'),
      file('"player_1" : "            91379634,      3,   4050,      9,  66.67,18.000000"'),
      file('"player_2" : "            29856109,      2,    100,      1,   0.00,0.000000"'),
      file('}}JSON_END'),
    ];

    // Act
    const parsed = parseAll(lines);

    // Assess
    expect(parsed.slice(0, -1).every((line) => line.kind === 'pending')).toBe(true);
    expect(parsed.at(-1)).toEqual(
      events({
        type: 'server_round_stats',
        ts: TS,
        round: 3,
        scoreCT: 1,
        scoreT: 1,
        players: [
          { steamId: CZAR_ID, side: 'CT', stats: { money: 4050, kills: 9, hsp: 66.67, bombk: 18 } },
          { steamId: WIET_ID, side: 'T', stats: { money: 100, kills: 1, hsp: 0, bombk: 0 } },
        ],
        map: 'de_inferno',
        server: 'a server',
      }),
    );
  });

  it('reads a block with no players yet (warmup)', async () => {
    // Act
    const parsed = parseAll([
      file('JSON_BEGIN{'),
      file('"name": "round_stats",'),
      file('"round_number" : "1",'),
      file('"score_t" : "0",'),
      file('"score_ct" : "0",'),
      file('"players" : {'),
      file('}}JSON_END'),
    ]);

    // Assess
    expect(parsed.at(-1)).toEqual(
      events({ type: 'server_round_stats', ts: TS, round: 1, scoreCT: 0, scoreT: 0, players: [] }),
    );
  });

  it('calls a block with a short player row malformed, and an end without a begin malformed', async () => {
    // Act
    const parsed = parseAll([
      file('JSON_BEGIN{'),
      file('"name": "round_stats",'),
      file('"round_number" : "1",'),
      file('"score_t" : "0",'),
      file('"score_ct" : "0",'),
      file('"fields" : " accountid, team, money"'),
      file('"players" : {'),
      file('"player_1" : " 91379634, 3"'),
      file('}}JSON_END'),
      file('}}JSON_END'),
    ]);

    // Assess
    expect(parsed.slice(-2)).toEqual([
      expect.objectContaining({
        kind: 'malformed',
        reason: expect.stringContaining('2 values for 3 fields'),
      }),
      expect.objectContaining({ kind: 'malformed', reason: expect.stringContaining('without JSON_BEGIN') }),
    ]);
  });

  it('reads a team number named after an Object.prototype property as no side, and refuses such a field name', async () => {
    // Prepare
    const block = (fields: string, row: string) => [
      file('JSON_BEGIN{'),
      file('"name": "round_stats",'),
      file('"round_number" : "2",'),
      file('"score_t" : "1",'),
      file('"score_ct" : "0",'),
      file(`"fields" : "${fields}"`),
      file('"players" : {'),
      file(`"player_1" : "${row}"`),
      file('}}JSON_END'),
    ];

    // Act
    const team = parseAll(block(' accountid, team, money', ' 91379634, constructor, 800')).at(-1);
    const proto = parseAll(block(' accountid, team, __proto__', ' 91379634, 3, 5')).at(-1);
    const shadowing = parseAll(block(' accountid, team, toString', ' 91379634, 3, 5')).at(-1);

    // Assess: the row keeps its stats and has no side, as with any team number CS2 does not use
    expect(team).toEqual(
      events({
        type: 'server_round_stats',
        ts: TS,
        round: 2,
        scoreCT: 0,
        scoreT: 1,
        players: [{ steamId: CZAR_ID, stats: { money: 800 } }],
      }),
    );
    expect([proto, shadowing]).toEqual([
      { kind: 'malformed', reason: 'round_stats: field "__proto__" is a name every JavaScript object has' },
      { kind: 'malformed', reason: 'round_stats: field "toString" is a name every JavaScript object has' },
    ]);
  });

  it('drops a block cut short by an ordinary line and parses that line', async () => {
    // Act
    const parsed = parseAll([
      file('JSON_BEGIN{'),
      file('"name": "round_stats",'),
      file('World triggered "Round_Start"'),
    ]);

    // Assess
    expect(parsed[2]).toEqual(events({ type: 'round_start', ts: TS }, { type: 'round_freeze_end', ts: TS }));
  });
});
