/**
 * SteamID conversions for the CS2 log.
 *
 * The log names a player by SteamID3 (`[U:1:<accountId>]`; CS:GO logs used the legacy
 * `STEAM_<universe>:<y>:<z>` form, accountId = 2z + y). The catalog keys players by SteamID64:
 * 76561197960265728 + accountId. That sum exceeds 2^53, so it is computed as two exact halves
 * instead of in floating point.
 */

/** SteamID64 of account 0 (`76561197960265728`), split where the sum of an account id can carry. */
const BASE_HIGH = 7_656_119;
const BASE_LOW = 7_960_265_728;
const LOW_DIGITS = 10_000_000_000;
/** The largest account id (32 bits). */
const MAX_ACCOUNT_ID = 0xffff_ffff;

/** Converted ids, by account id: a server has a few dozen players, and each appears on most lines. */
const steamId64Cache = new Map<number, string>();
const CACHE_LIMIT = 4096;

/**
 * SteamID64 (decimal string) of a 32-bit account id, exact.
 *
 * @throws RangeError when `accountId` is not an integer in [0, 2^32).
 */
export function accountIdToSteamId64(accountId: number): string {
  const cached = steamId64Cache.get(accountId);
  if (cached !== undefined) return cached;
  if (!Number.isInteger(accountId) || accountId < 0 || accountId > MAX_ACCOUNT_ID) {
    throw new RangeError(`not a 32-bit Steam account id: ${accountId}`);
  }
  // Both halves stay far below 2^53, so every step is exact.
  const low = BASE_LOW + accountId;
  const high = BASE_HIGH + Math.floor(low / LOW_DIGITS);
  const steamId64 = `${high}${String(low % LOW_DIGITS).padStart(10, '0')}`;
  if (steamId64Cache.size >= CACHE_LIMIT) steamId64Cache.clear();
  steamId64Cache.set(accountId, steamId64);
  return steamId64;
}

/**
 * SteamID64 of a log id: `[U:1:n]` or legacy `STEAM_X:Y:Z`. Returns `null` for ids that name no
 * Steam account (`BOT`, `Console`, `STEAM_ID_PENDING`, anything malformed).
 */
export function logSteamIdToSteamId64(logId: string): string | null {
  if (logId.startsWith('[U:1:') && logId.endsWith(']')) {
    return accountIdFromDigits(logId, 5, logId.length - 1);
  }
  const legacy = /^STEAM_[0-5]:([01]):(\d{1,10})$/.exec(logId);
  if (legacy) {
    const accountId = Number(legacy[2]) * 2 + Number(legacy[1]);
    return accountId <= MAX_ACCOUNT_ID ? accountIdToSteamId64(accountId) : null;
  }
  return null;
}

/**
 * SteamID64 of the account id written as decimal digits in `text[start, end)`, or `null` when
 * that range is not 1-10 digits of a 32-bit number. Reads the digits in place (no substring).
 */
export function accountIdFromDigits(text: string, start: number, end: number): string | null {
  if (end <= start || end - start > 10) return null;
  let accountId = 0;
  for (let i = start; i < end; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return null;
    accountId = accountId * 10 + digit;
  }
  return accountId <= MAX_ACCOUNT_ID ? accountIdToSteamId64(accountId) : null;
}
