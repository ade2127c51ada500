import { describe, expect, it } from 'vitest';
import { accountIdFromDigits, accountIdToSteamId64, logSteamIdToSteamId64 } from './steam-id.ts';

const BASE = 76561197960265728n;

describe('accountIdToSteamId64', () => {
  it.each([
    [0, '76561197960265728'],
    [1, '76561197960265729'],
    [91_379_634, '76561198051645362'],
    // the low half carries into the high half exactly here
    [2_039_734_271, '76561199999999999'],
    [2_039_734_272, '76561200000000000'],
    [0xffff_ffff, '76561202255233023'],
  ])('account %i is SteamID64 %s', async (accountId, steamId64) => {
    // Act
    const converted = accountIdToSteamId64(accountId);

    // Assess
    expect(converted).toBe(steamId64);
    expect(converted).toBe((BASE + BigInt(accountId)).toString());
  });

  it('agrees with BigInt arithmetic across the whole 32-bit range', async () => {
    // Prepare: a spread of ids, doubles lose precision above 2^53 so this is where float math fails
    const ids = Array.from({ length: 2_000 }, (_, index) => Math.floor((index / 1_999) * 0xffff_ffff));

    // Act
    const mismatches = ids.filter((id) => accountIdToSteamId64(id) !== (BASE + BigInt(id)).toString());

    // Assess
    expect(mismatches).toEqual([]);
  });

  it.each([-1, 0x1_0000_0000, 1.5, Number.NaN])('refuses %d', async (accountId) => {
    // Act / Assess
    expect(() => accountIdToSteamId64(accountId)).toThrow(RangeError);
  });
});

describe('logSteamIdToSteamId64', () => {
  it.each([
    ['[U:1:91379634]', '76561198051645362'],
    ['STEAM_1:0:45689817', '76561198051645362'],
    ['STEAM_0:1:0', '76561197960265729'],
    ['BOT', null],
    ['Console', null],
    ['STEAM_ID_PENDING', null],
    ['[U:1:]', null],
    ['[U:1:12a]', null],
    ['[U:1:99999999999]', null],
  ])('%s is %s', async (logId, steamId64) => {
    // Act / Assess
    expect(logSteamIdToSteamId64(logId)).toBe(steamId64);
  });

  it('reads the digits of an id in place', async () => {
    // Act / Assess
    expect(accountIdFromDigits('x[U:1:29856109]', 6, 14)).toBe('76561197990121837');
    expect(accountIdFromDigits('x[U:1:2985-109]', 6, 14)).toBeNull();
  });
});
