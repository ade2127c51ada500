import { describe, expect, it } from 'vitest';
import type { GameEvent } from '../events/index.ts';
import {
  LogStreamParser,
  type LogStreamState,
  LogStreamStateError,
  MAX_LOG_LINE_LENGTH,
} from './log-stream-parser.ts';

const TS = Date.UTC(2026, 0, 19, 19, 3, 37);
const line = (body: string, time = '19:03:37.000') => `01/19/2026 - ${time} - ${body}\n`;

const CZAR = '"Czar<1><[U:1:91379634]><CT>"';
const CZAR_ID = '76561198051645362';
const WIET = '"Wiethoofd<10><[U:1:29856109]><TERRORIST>"';
const WIET_ID = '76561197990121837';
const LOLZ = '"lolz1e<9><[U:1:97679279]><CT>"';
const LOLZ_ID = '76561198057945007';

const KILL = line(`${CZAR} [1 2 3] killed ${WIET} [4 5 6] with "ak47" (headshot)`);
const ASSIST = line(`${LOLZ} assisted killing ${WIET}`);
const FLASH_ASSIST = line(`${LOLZ} flash-assisted killing ${WIET}`);
const MONEY = line(`${CZAR} money change 100+300 = $400 (tracked)`);
const ROUND_STATS_BLOCK = [
  line('JSON_BEGIN{'),
  line('"name": "round_stats",'),
  line('"round_number" : "2",'),
  line('"score_t" : "0",'),
  line('"score_ct" : "1",'),
  line('"map" : "de_inferno",'),
  line('"fields" : "             accountid,   team,  money,  kills"'),
  line('"players" : {'),
  line('"player_1" : "            91379634,      3,   4050,      1"'),
  line('}}JSON_END'),
].join('');

const kill = (more: Partial<Extract<GameEvent, { type: 'player_death' }>> = {}): GameEvent => ({
  type: 'player_death',
  ts: TS,
  attacker: CZAR_ID,
  victim: WIET_ID,
  weapon: 'ak47',
  headshot: true,
  penetrated: false,
  noscope: false,
  thrusmoke: false,
  attackerBlind: false,
  attackerPos: [1, 2, 3],
  victimPos: [4, 5, 6],
  ...more,
});
const money: GameEvent = { type: 'economy', ts: TS, players: [{ steamId: CZAR_ID, money: 400 }] };

describe('LogStreamParser: lines across bodies', () => {
  it('keeps a line cut between two bodies until its end arrives', async () => {
    // Prepare
    const parser = new LogStreamParser();
    const whole = line('World triggered "Warmup_Start"');

    // Act
    const first = parser.push(whole.slice(0, 30));
    const second = parser.push(whole.slice(30));

    // Assess
    expect(first).toEqual([]);
    expect(second).toEqual([{ type: 'warmup_start', ts: TS }]);
    expect(parser.stats()).toEqual({ lines: 1, events: 1, unknown: 0, malformed: 0, ignored: 0 });
  });

  it('reads CRLF bodies and skips blank lines without counting them', async () => {
    // Prepare
    const parser = new LogStreamParser();

    // Act
    const events = parser.push(`\r\n${line('World triggered "Warmup_Start"').replace('\n', '\r\n')}\n  \n`);

    // Assess
    expect(events).toEqual([{ type: 'warmup_start', ts: TS }]);
    expect(parser.stats().lines).toBe(1);
  });

  it('keeps the order of lines that share one timestamp', async () => {
    // Prepare
    const parser = new LogStreamParser();
    const body = [
      line('Team "CT" triggered "SFUI_Notice_CTs_Win" (CT "1") (T "0")'),
      line('World triggered "Round_End"'),
      line('MatchStatus: Team playing "CT": alpha'),
      line('MatchStatus: Team playing "TERRORIST": beta'),
      MONEY,
    ].join('');

    // Act
    const events = parser.push(body);

    // Assess
    expect(events.map((event) => event.type)).toEqual(['round_end', 'team_names', 'economy']);
  });

  it('parses the unterminated last line at flush', async () => {
    // Prepare
    const parser = new LogStreamParser();
    parser.push(line('World triggered "Warmup_End"').trimEnd());

    // Act
    const events = parser.flush();

    // Assess
    expect(events).toEqual([{ type: 'warmup_end', ts: TS }]);
  });

  it('drops a runaway line with no newline instead of growing without bound', async () => {
    // Prepare
    const parser = new LogStreamParser();

    // Act
    parser.push('x'.repeat(MAX_LOG_LINE_LENGTH));
    parser.push('y'.repeat(10));
    parser.push('z'.repeat(10));
    const after = parser.push(`zzz\n${line('World triggered "Warmup_End"')}`);

    // Assess
    expect(after).toEqual([{ type: 'warmup_end', ts: TS }]);
    expect(parser.stats()).toMatchObject({ lines: 2, malformed: 1 });
  });
});

describe('LogStreamParser: assists', () => {
  it('merges the assist line into the kill before it', async () => {
    // Prepare
    const parser = new LogStreamParser();

    // Act
    const events = parser.push(KILL + ASSIST + MONEY);

    // Assess
    expect(events).toEqual([kill({ assister: LOLZ_ID, assistedFlash: false }), money]);
    expect(parser.stats()).toMatchObject({ lines: 3, events: 2, ignored: 0 });
  });

  it('marks a flash assist', async () => {
    // Prepare
    const parser = new LogStreamParser();

    // Act
    const events = parser.push(KILL + FLASH_ASSIST);

    // Assess
    expect(events).toEqual([kill({ assister: LOLZ_ID, assistedFlash: true })]);
  });

  it('holds a kill at the end of a body until the next body says whether an assist follows', async () => {
    // Prepare
    const parser = new LogStreamParser();

    // Act
    const first = parser.push(KILL);
    const second = parser.push(ASSIST);

    // Assess
    expect(first).toEqual([]);
    expect(second).toEqual([kill({ assister: LOLZ_ID, assistedFlash: false })]);
  });

  it('releases a kill unchanged, in order, when the next line is something else', async () => {
    // Prepare
    const parser = new LogStreamParser();

    // Act
    const events = parser.push(KILL + MONEY + KILL);
    const rest = parser.flush();

    // Assess
    expect(events).toEqual([kill(), money]);
    expect(rest).toEqual([kill()]);
  });

  it('counts an assist for another victim as ignored and keeps the kill as it was', async () => {
    // Prepare
    const parser = new LogStreamParser();

    // Act
    const events = parser.push(KILL + line(`${LOLZ} assisted killing ${CZAR}`));

    // Assess
    expect(events).toEqual([kill()]);
    expect(parser.stats().ignored).toBe(1);
  });

  it('keeps post-round kills after the round result as deaths, in order', async () => {
    // Prepare: the round is won, then a team kill lands before the next round starts
    const parser = new LogStreamParser();
    const body = [
      line('Team "CT" triggered "SFUI_Notice_CTs_Win" (CT "5") (T "2")', '19:08:24.000'),
      line(`${LOLZ} [148 729 83] killed ${CZAR} [1419 435 129] with "awp" (headshot)`, '19:08:28.000'),
      line('World triggered "Round_Start"', '19:08:33.000'),
    ].join('');

    // Act
    const events = parser.push(body);

    // Assess
    expect(events.map((event) => event.type)).toEqual([
      'round_end',
      'player_death',
      'round_start',
      'round_freeze_end',
    ]);
  });
});

describe('LogStreamParser: halftime', () => {
  it('reads the side swap: every player switches, then the team names follow their teams', async () => {
    // Prepare: the lines the server prints at the MR12 halftime
    const parser = new LogStreamParser();
    parser.push(
      line('MatchStatus: Team playing "CT": alpha') + line('MatchStatus: Team playing "TERRORIST": beta'),
    );
    const body = [
      line('"Czar<1><[U:1:91379634]>" switched from team <CT> to <TERRORIST>', '19:11:57.000'),
      line('"Wiethoofd<10><[U:1:29856109]>" switched from team <TERRORIST> to <CT>', '19:11:57.000'),
      line('MatchStatus: Team playing "CT": beta', '19:12:24.000'),
      line('MatchStatus: Team playing "TERRORIST": alpha', '19:12:24.000'),
    ].join('');

    // Act
    const events = parser.push(body);

    // Assess
    const swappedAt = Date.UTC(2026, 0, 19, 19, 11, 57);
    expect(events).toEqual([
      { type: 'player_team', ts: swappedAt, steamId: CZAR_ID, side: 'T' },
      { type: 'player_team', ts: swappedAt, steamId: WIET_ID, side: 'CT' },
      { type: 'team_names', ts: Date.UTC(2026, 0, 19, 19, 12, 24), ct: 'beta', t: 'alpha' },
    ]);
  });
});

describe('LogStreamParser: round_stats blocks', () => {
  it('reassembles a block split across bodies, even mid-line, into one event', async () => {
    // Prepare
    const parser = new LogStreamParser();
    const cuts = [0, 40, 41, 200, 333, ROUND_STATS_BLOCK.length];

    // Act
    const events = cuts
      .slice(1)
      .flatMap((end, index) => parser.push(ROUND_STATS_BLOCK.slice(cuts[index], end)));

    // Assess
    expect(events).toEqual([
      {
        type: 'server_round_stats',
        ts: TS,
        round: 2,
        scoreCT: 1,
        scoreT: 0,
        map: 'de_inferno',
        players: [{ steamId: CZAR_ID, side: 'CT', stats: { money: 4050, kills: 1 } }],
      },
    ]);
    expect(parser.stats()).toEqual({ lines: 10, events: 1, unknown: 0, malformed: 0, ignored: 0 });
  });

  it('counts a block still open at flush as malformed', async () => {
    // Prepare
    const parser = new LogStreamParser();
    parser.push(line('JSON_BEGIN{') + line('"name": "round_stats",'));

    // Act
    const events = parser.flush();

    // Assess
    expect(events).toEqual([]);
    expect(parser.stats().malformed).toBe(1);
  });
});

describe('LogStreamParser: counts and bad input', () => {
  it('counts lines by outcome and never stops at an unknown or malformed line', async () => {
    // Prepare
    const parser = new LogStreamParser();
    const body = [
      'garbage without a prefix\n',
      line('Something the server never said before'),
      line('"sv_cheats" = "false"'),
      KILL,
      ASSIST,
      line('World triggered "Round_Start"'),
    ].join('');

    // Act
    const events = parser.push(body);

    // Assess
    expect(events.map((event) => event.type)).toEqual(['player_death', 'round_start', 'round_freeze_end']);
    expect(parser.stats()).toEqual({ lines: 6, events: 3, unknown: 1, malformed: 1, ignored: 1 });
  });
});

describe('LogStreamParser: saved state', () => {
  it('resumes from JSON mid-line, mid-block and with a kill held, giving what one parser would', async () => {
    // Prepare
    const input = `${line('MatchStatus: Team playing "CT": alpha')}${ROUND_STATS_BLOCK}${KILL}${ASSIST}${line(
      'MatchStatus: Team playing "TERRORIST": beta',
    )}`;
    const single = new LogStreamParser();
    const expected = [...single.push(input), ...single.flush()];
    const cuts = [0, 17, 150, 420, input.length - 150, input.length - 20, input.length];

    // Act
    const events: GameEvent[] = [];
    let saved: LogStreamState = new LogStreamParser().toJSON();
    for (let index = 1; index < cuts.length; index++) {
      const parser = LogStreamParser.fromJSON(JSON.parse(JSON.stringify(saved)) as LogStreamState);
      events.push(...parser.push(input.slice(cuts[index - 1], cuts[index])));
      saved = parser.toJSON();
    }
    const resumed = LogStreamParser.fromJSON(saved);
    events.push(...resumed.flush());

    // Assess
    expect(events).toEqual(expected);
    expect(events.map((event) => event.type)).toEqual(['server_round_stats', 'player_death', 'team_names']);
    expect(resumed.stats()).toEqual(single.stats());
  });

  it('keeps the UTC offset across a save', async () => {
    // Prepare
    const saved = new LogStreamParser({ utcOffsetMinutes: -300 }).toJSON();

    // Act
    const events = LogStreamParser.fromJSON(saved).push(
      line('World triggered "Warmup_Start"', '14:03:37.000'),
    );

    // Assess
    expect(events).toEqual([{ type: 'warmup_start', ts: TS }]);
  });

  it('returns a copy: changing the saved state does not change the parser', async () => {
    // Prepare
    const parser = new LogStreamParser();
    parser.push(line('MatchStatus: Team playing "CT": alpha'));
    const saved = parser.toJSON();

    // Act
    saved.parse.pendingTeamNames.ct = 'changed';
    const events = parser.push(line('MatchStatus: Team playing "TERRORIST": beta'));

    // Assess
    expect(events).toEqual([{ type: 'team_names', ts: TS, ct: 'alpha', t: 'beta' }]);
  });

  it('refuses a state it cannot resume from', async () => {
    // Act / Assess
    expect(() => LogStreamParser.fromJSON({ version: 2 } as unknown as LogStreamState)).toThrow(
      LogStreamStateError,
    );
    expect(() => LogStreamParser.fromJSON(null as unknown as LogStreamState)).toThrow(LogStreamStateError);
  });
});
