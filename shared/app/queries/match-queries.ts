/** The REST API's rules for its match read models (their port is `ports/match-queries.ts`). */

/** `GET /v1/matches?include=empty` (a comma-separated list: `empty` is the one value so far). */
export function includesEmptyMatches(include: string | null | undefined): boolean {
  return (include ?? '').split(',').some((value) => value.trim() === 'empty');
}

export const EVENTS_DEFAULT_LIMIT = 1_000;
export const EVENTS_MAX_LIMIT = 100_000;
