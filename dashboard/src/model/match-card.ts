/**
 * A match as the list and the match header show it, from either source: a REST row (dates as
 * ISO strings) or a live `match` patch (epoch milliseconds, only the fields that changed).
 */
import type { MatchListItem, MatchPatch } from '../wire.ts';

export type Side = 'CT' | 'T';

export interface TeamInfo {
  /** `A` started the first live round on CT, `B` on T. */
  key: string;
  name: string;
  startSide: Side;
  score: number;
}

export interface MatchCard {
  id: string;
  serverId: string;
  map: string | null;
  tag: string | null;
  externalId: string | null;
  status: string;
  /** Sorted: the team that started on CT first. Empty until the first live round. */
  teams: TeamInfo[];
  /** Score by team name. */
  score: Record<string, number>;
  startedAt: number;
  endedAt: number | null;
}

/** Epoch milliseconds of an ISO string or a number; null when absent or unreadable. */
export function toEpochMs(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? null : parsed;
  }
  return null;
}

/** The teams of a match row (`teams` is JSON the server does not type): unreadable entries are left out. */
export function readTeams(teams: unknown): TeamInfo[] {
  if (!Array.isArray(teams)) return [];
  const read: TeamInfo[] = [];
  for (const team of teams as unknown[]) {
    if (typeof team !== 'object' || team === null) continue;
    const { key, name, startSide, score } = team as Record<string, unknown>;
    if (typeof name !== 'string') continue;
    read.push({
      key: typeof key === 'string' ? key : name,
      name,
      startSide: startSide === 'T' ? 'T' : 'CT',
      score: typeof score === 'number' ? score : 0,
    });
  }
  return read.sort((a, b) => (a.startSide === b.startSide ? 0 : a.startSide === 'CT' ? -1 : 1));
}

function readScore(score: unknown): Record<string, number> {
  const read: Record<string, number> = {};
  if (typeof score !== 'object' || score === null) return read;
  for (const [name, value] of Object.entries(score)) if (typeof value === 'number') read[name] = value;
  return read;
}

export function matchCardOf(item: MatchListItem): MatchCard {
  return {
    id: item.id,
    serverId: item.serverId,
    map: item.map,
    tag: item.tag,
    externalId: item.externalId,
    status: item.status,
    teams: readTeams(item.teams),
    score: readScore(item.score),
    startedAt: toEpochMs(item.startedAt) ?? 0,
    endedAt: toEpochMs(item.endedAt),
  };
}

/**
 * The card after a live patch. A patch for a match not seen yet is a new match only when it
 * carries the fields every new match has; otherwise null (the caller fetches the row).
 */
export function applyMatchPatch(card: MatchCard | undefined, patch: MatchPatch): MatchCard | null {
  const base: MatchCard | null =
    card ??
    (patch.serverId !== undefined && patch.startedAt !== undefined
      ? {
          id: patch.id,
          serverId: patch.serverId,
          map: null,
          tag: null,
          externalId: null,
          status: 'live',
          teams: [],
          score: {},
          startedAt: 0,
          endedAt: null,
        }
      : null);
  if (!base) return null;
  const next: MatchCard = { ...base };
  if (patch.map !== undefined) next.map = patch.map;
  if (patch.tag !== undefined) next.tag = patch.tag;
  if (patch.externalId !== undefined) next.externalId = patch.externalId;
  if (patch.status !== undefined) next.status = patch.status;
  if (patch.teams !== undefined) {
    const teams = readTeams(patch.teams);
    // A new match's row starts with no teams: keep the ones known rather than blank them.
    if (teams.length > 0 || card === undefined) next.teams = teams;
  }
  if (patch.score !== undefined) next.score = readScore(patch.score);
  if (patch.startedAt !== undefined) next.startedAt = toEpochMs(patch.startedAt) ?? next.startedAt;
  if (patch.endedAt !== undefined) next.endedAt = toEpochMs(patch.endedAt);
  return next;
}

/** Whether a match is still being played (live, warmup, paused…), as opposed to over. */
export function isInProgress(card: MatchCard): boolean {
  return card.status !== 'finished' && card.status !== 'abandoned';
}

/** The match list's order: matches in progress first, newest first within each group. */
export function sortMatches(cards: Iterable<MatchCard>): MatchCard[] {
  return [...cards].sort((a, b) => {
    const live = Number(isInProgress(b)) - Number(isInProgress(a));
    if (live !== 0) return live;
    return (b.endedAt ?? b.startedAt) - (a.endedAt ?? a.startedAt) || b.startedAt - a.startedAt;
  });
}

export interface ScoreSide {
  name: string;
  score: number;
}

/**
 * The two sides of the scoreline: the teams in start-side order, or, before the teams are
 * known, the score's own entries. Null when neither is known yet.
 */
export function scoreline(card: MatchCard): [ScoreSide, ScoreSide] | null {
  const [first, second] = card.teams;
  if (first && second) {
    return [
      { name: first.name, score: card.score[first.name] ?? first.score },
      { name: second.name, score: card.score[second.name] ?? second.score },
    ];
  }
  const entries = Object.entries(card.score);
  const [a, b] = entries;
  if (a && b)
    return [
      { name: a[0], score: a[1] },
      { name: b[0], score: b[1] },
    ];
  return null;
}
