/**
 * Player ratings from match totals. HLTV published its 1.0 formula; its 2.0 formula is secret, so
 * {@link rating2approx} is the community's reverse-engineered approximation and must never be
 * labelled "HLTV 2.0".
 */

/** Rounds in which a player got exactly 1, 2, 3, 4 and 5 (or more) enemy kills. */
export type KillRoundCounts = Record<'1' | '2' | '3' | '4' | '5', number>;

export interface RatingInput {
  roundsPlayed: number;
  kills: number;
  deaths: number;
  assists: number;
  damage: number;
  /** Rounds with a kill, an assist, survival or a traded death. */
  kastRounds: number;
  killRounds: KillRoundCounts;
}

/**
 * HLTV rating 1.0: (KPR/0.679 + 0.7·((R−D)/R)/0.317 + (1K+4·2K+9·3K+16·4K+25·5K)/R/1.277) / 2.7.
 * The constants are the averages of the pro scene when HLTV set the scale, so 1.00 is average.
 */
export function rating1(input: RatingInput): number {
  const rounds = input.roundsPlayed;
  if (rounds === 0) return 0;
  const { killRounds } = input;
  const multiKillPoints =
    killRounds['1'] + 4 * killRounds['2'] + 9 * killRounds['3'] + 16 * killRounds['4'] + 25 * killRounds['5'];
  const killRating = input.kills / rounds / 0.679;
  const survivalRating = (rounds - input.deaths) / rounds / 0.317;
  const multiKillRating = multiKillPoints / rounds / 1.277;
  return (killRating + 0.7 * survivalRating + multiKillRating) / 2.7;
}

/**
 * Community approximation of rating 2.0:
 * 0.0073·KAST% + 0.3591·KPR − 0.5329·DPR + 0.2372·Impact + 0.0032·ADR + 0.1587,
 * with Impact = 2.13·KPR + 0.42·APR − 0.41.
 */
export function rating2approx(input: RatingInput): number {
  const rounds = input.roundsPlayed;
  if (rounds === 0) return 0;
  const kpr = input.kills / rounds;
  const dpr = input.deaths / rounds;
  const apr = input.assists / rounds;
  const adr = input.damage / rounds;
  const kastPercent = (100 * input.kastRounds) / rounds;
  const impact = 2.13 * kpr + 0.42 * apr - 0.41;
  return 0.0073 * kastPercent + 0.3591 * kpr - 0.5329 * dpr + 0.2372 * impact + 0.0032 * adr + 0.1587;
}
