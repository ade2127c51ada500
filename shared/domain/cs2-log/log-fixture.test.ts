/// <reference types="vite/client" />
/**
 * The real competitive server log in `fixtures/cs2-logs/` against the facts a script extracted
 * from its lines (`expected-from-log-lines.json`): round results, kills and headshots per live
 * round, the Game Over score and the server's last round_stats table.
 */
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import logText from '../../../../shared/fixtures/cs2-logs/0f870999-5f60-4259-7837-08de566fc039.log?raw';
import expectedFile from '../../../../shared/fixtures/cs2-logs/expected-from-log-lines.json' with {
  type: 'json',
};
import { EVENT_SCHEMAS, type EventOf, type GameEvent } from '../events/index.ts';
import { LogStreamParser, type LogStreamState } from './log-stream-parser.ts';
import { accountIdToSteamId64 } from './steam-id.ts';

const expected = expectedFile.files['0f870999-5f60-4259-7837-08de566fc039.log'];

const REASON_OF_NOTICE: Record<string, string> = {
  SFUI_Notice_CTs_Win: 'ct_win',
  SFUI_Notice_Terrorists_Win: 't_win',
  SFUI_Notice_Bomb_Defused: 'bomb_defused',
  SFUI_Notice_Target_Bombed: 'target_bombed',
  SFUI_Notice_Target_Saved: 'target_saved',
};

interface CountedRound {
  start: number;
  kills: number;
  headshots: number;
  winner: string;
  reason: string;
  score: { CT: number; T: number };
}

function parseWhole(text: string): { events: GameEvent[]; parser: LogStreamParser } {
  const parser = new LogStreamParser();
  const events = [...parser.push(text), ...parser.flush()];
  return { events, parser };
}

/**
 * The live rounds: what follows the last restart, each round from its `round_start` (the log's
 * `World triggered "Round_Start"`) to its `round_end` (kills after the result belong to no
 * counted round, as in the extracted facts).
 */
function countLiveRounds(events: GameEvent[]): CountedRound[] {
  const lastRestart = events.findLastIndex((event) => event.type === 'game_restart');
  const rounds: CountedRound[] = [];
  let current: { kills: number; headshots: number; start: number } | null = null;
  for (const event of events.slice(lastRestart + 1)) {
    if (event.type === 'round_start') current = { kills: 0, headshots: 0, start: event.ts };
    if (current === null) continue;
    if (event.type === 'player_death') {
      current.kills++;
      if (event.headshot) current.headshots++;
    }
    if (event.type === 'round_end') {
      rounds.push({
        ...current,
        winner: event.winner,
        reason: event.reason,
        score: { CT: event.scoreCT, T: event.scoreT },
      });
      current = null;
    }
  }
  return rounds;
}

/** `01/19/2026 - 19:03:37` (server time, here UTC) as epoch ms. */
function logTime(text: string): number {
  const [date = '', time = ''] = text.split(' - ');
  const [month, day, year] = date.split('/');
  return Date.parse(`${year}-${month}-${day}T${time}Z`);
}

describe('the real CS2 log fixture', () => {
  it('reads every line, with no unknown or malformed one, into schema-valid events', async () => {
    // Prepare
    const lineCount = logText.split('\n').filter((line) => line.trim() !== '').length;

    // Act
    const { events, parser } = parseWhole(logText);

    // Assess
    expect(parser.stats()).toMatchObject({
      lines: lineCount,
      unknown: 0,
      malformed: 0,
      events: events.length,
    });
    const invalid = events.filter((event) => !Value.Check(EVENT_SCHEMAS[event.type], event));
    expect(invalid).toEqual([]);
  });

  it('finds the pre-restart knife round and the 15 live rounds, with their winners, reasons and scores', async () => {
    // Act
    const { events } = parseWhole(logText);
    const rounds = countLiveRounds(events);

    // Assess
    expect(events.filter((event) => event.type === 'round_end')).toHaveLength(expected.counted_rounds + 1);
    expect(rounds).toHaveLength(expected.counted_rounds);
    expect(
      rounds.map((round) => ({
        winner: round.winner,
        reason: round.reason,
        score: round.score,
        start: round.start,
      })),
    ).toEqual(
      expected.rounds.map((round) => ({
        winner: round.winner_side === 'TERRORIST' ? 'T' : 'CT',
        reason: REASON_OF_NOTICE[round.reason],
        score: round.score_after,
        start: logTime(round.start),
      })),
    );
  });

  it('counts the kills and headshots of every live round exactly', async () => {
    // Act
    const rounds = countLiveRounds(parseWhole(logText).events);

    // Assess
    expect(rounds.map(({ kills, headshots }) => ({ kills, headshots }))).toEqual(
      expected.rounds.map(({ kills, headshots }) => ({ kills, headshots })),
    );
    expect(rounds.reduce((sum, round) => sum + round.kills, 0)).toBe(
      expected.total_player_kills_in_live_rounds,
    );
  });

  it('ends the map with the Game Over score 2:13', async () => {
    // Act
    const { events } = parseWhole(logText);

    // Assess
    expect(events.filter((event) => event.type === 'match_end')).toEqual([
      expect.objectContaining({ type: 'match_end', scoreCT: 2, scoreT: 13 }),
    ]);
    expect(expected.game_over_line).toContain('score 2:13');
  });

  it("keeps the server's last round_stats table before Game Over, player by player", async () => {
    // Prepare
    const table = expected.last_round_stats_before_game_over;
    const expectedPlayers = Object.values(table.players)
      .filter((player) => player.accountid !== 0)
      .map(({ accountid, team, ...stats }) => ({
        steamId: accountIdToSteamId64(accountid),
        side: team === 2 ? ('T' as const) : ('CT' as const),
        stats,
      }));

    // Act
    const { events } = parseWhole(logText);
    const matchEnd = events.findIndex((event) => event.type === 'match_end');
    const tables = events.slice(0, matchEnd).filter((event) => event.type === 'server_round_stats');
    const last = tables.at(-1);

    // Assess
    expect(events.filter((event) => event.type === 'server_round_stats')).toHaveLength(
      expected.round_stats_blocks_in_file,
    );
    expect(last).toEqual({
      type: 'server_round_stats',
      ts: expect.any(Number),
      round: Number(table.round_number),
      scoreCT: Number(table.score_ct),
      scoreT: Number(table.score_t),
      map: table.map,
      server: table.server,
      players: expectedPlayers,
    } satisfies EventOf<'server_round_stats'>);
  });

  it('gives the same events when the log arrives in odd-sized bodies through a saved and restored state', async () => {
    // Prepare: bodies cut anywhere (mid-line, mid-JSON block), the state saved as JSON between them
    const whole = parseWhole(logText).events;
    const events: GameEvent[] = [];
    let saved: LogStreamState = new LogStreamParser().toJSON();
    let offset = 0;

    // Act
    for (let size = 1; offset < logText.length; size = (size * 7 + 13) % 4_099) {
      const parser = LogStreamParser.fromJSON(JSON.parse(JSON.stringify(saved)) as LogStreamState);
      events.push(...parser.push(logText.slice(offset, offset + size)));
      offset += size;
      saved = parser.toJSON();
    }
    events.push(...LogStreamParser.fromJSON(saved).flush());

    // Assess
    expect(events).toEqual(whole);
  });
});
