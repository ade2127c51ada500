/**
 * How many cases each property runs, and with which seed. `npm test` runs the default counts
 * with fixed seeds (the same cases every run, so a failure reproduces); `npm run fuzz` sets
 * `GEQO_FUZZ_RUNS` (fast properties, in all) and `GEQO_FUZZ_E2E_RUNS` (frames sent to a running
 * `geqo up`) higher, and `GEQO_FUZZ_SEED` to explore other cases.
 */

import { appendFileSync } from 'node:fs';

/** Cases of all fast properties together, by default (each property takes its share). */
export const DEFAULT_FAST_RUNS = 24_000;
/** Mutated frames the end-to-end property sends, by default. */
export const DEFAULT_E2E_RUNS = 300;

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive integer, not "${raw}"`);
  return value;
}

/** The share `weight` (0 to 1) of the fast layer's cases. */
export function fastRuns(weight: number): number {
  return Math.max(1, Math.round(positiveInteger('GEQO_FUZZ_RUNS', DEFAULT_FAST_RUNS) * weight));
}

export function e2eRuns(): number {
  return positiveInteger('GEQO_FUZZ_E2E_RUNS', DEFAULT_E2E_RUNS);
}

/** The seed of a property: fixed (named after it) unless GEQO_FUZZ_SEED is set. */
export function fuzzSeed(property: string): number {
  const base = positiveInteger('GEQO_FUZZ_SEED', 1);
  let hash = base;
  for (let index = 0; index < property.length; index++)
    hash = (Math.imul(hash, 31) + property.charCodeAt(index)) | 0;
  return hash;
}

/** Notes a property's case count in `GEQO_FUZZ_TALLY` (a file), for `npm run fuzz` to total. */
export function tally(property: string, cases: number): void {
  const file = process.env.GEQO_FUZZ_TALLY;
  if (file) appendFileSync(file, `${property}\t${cases}\n`);
}

/**
 * fast-check parameters: the seed, the count, and (unless GEQO_FUZZ_SHRINK=1) no time lost
 * shrinking a failure: each case's steps already say how it was made.
 */
export function fuzzParameters(property: string, numRuns: number) {
  tally(property, numRuns);
  return { seed: fuzzSeed(property), numRuns, endOnFailure: process.env.GEQO_FUZZ_SHRINK !== '1' };
}

/** A test's time limit for `numRuns` cases (a few ms each, with room for a loaded machine). */
export function fuzzTimeoutMs(numRuns: number): number {
  return 60_000 + numRuns * 10;
}
