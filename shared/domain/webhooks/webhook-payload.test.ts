import { describe, expect, it } from 'vitest';
import { roundEndReasonOf } from './round-end-reason-codes.ts';
import { readMatchId, readPlayerId, readSide } from './webhook-payload.ts';

describe('readSide', () => {
  it.each([
    ['3', 'CT'],
    ['2', 'T'],
    [3, 'CT'],
    [2, 'T'],
    ['ct', 'CT'],
    ['t', 'T'],
    ['CT', 'CT'],
    ['TERRORIST', 'T'],
    ['0', null],
    ['1', null],
    ['spec', null],
    [null, null],
    [undefined, null],
  ])('reads %j as %s', async (value, side) => {
    // Act
    const read = readSide(value);

    // Assess
    expect(read).toBe(side);
  });
});

describe('readMatchId', () => {
  it.each([
    [{ matchid: 14272 }, '14272'],
    [{ matchid: '14272' }, '14272'],
    [{ matchid: ' league-7 ' }, 'league-7'],
    [{ matchid: -1 }, null],
    [{ matchid: '-1' }, null],
    [{ matchid: 1.5 }, null],
    [{ matchid: '' }, null],
    [{}, null],
  ])('reads %j as %j', async (payload, matchId) => {
    // Act
    const read = readMatchId(payload);

    // Assess
    expect(read).toBe(matchId);
  });
});

describe('readPlayerId', () => {
  it.each([
    [{ steamid: '76561198279375306', name: 's1mple' }, '76561198279375306'],
    [{ steamid: 'BOT-3', name: 'BOT Gary', is_bot: true }, 'BOT:Gary'],
    [{ steamid: '', name: 'Console' }, null],
    [{ steamid: '', name: 'GOTV' }, null],
    [null, null],
  ])('reads %j as %j', async (player, id) => {
    // Act
    const read = readPlayerId(player);

    // Assess
    expect(read).toBe(id);
  });
});

describe('roundEndReasonOf', () => {
  it('reads the same reason from MatchZy (game numbering) and get5 (one less)', async () => {
    // Act
    const pairs = [
      [roundEndReasonOf('matchzy', 1), roundEndReasonOf('get5', 0)],
      [roundEndReasonOf('matchzy', 7), roundEndReasonOf('get5', 6)],
      [roundEndReasonOf('matchzy', 10), roundEndReasonOf('get5', 9)],
      [roundEndReasonOf('matchzy', 16), roundEndReasonOf('get5', 15)],
    ];

    // Assess
    expect(pairs).toEqual([
      ['target_bombed', 'target_bombed'],
      ['bomb_defused', 'bomb_defused'],
      ['draw', 'draw'],
      ['game_commencing', 'game_commencing'],
    ]);
    expect(roundEndReasonOf('matchzy', 11)).toBeNull();
    expect(roundEndReasonOf('get5', null)).toBeNull();
  });
});
