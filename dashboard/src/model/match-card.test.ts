import { describe, expect, it } from 'vitest';
import type { MatchListItem } from '../wire.ts';
import {
  applyMatchPatch,
  type MatchCard,
  matchCardOf,
  readTeams,
  scoreline,
  sortMatches,
} from './match-card.ts';

function row(overrides: Partial<MatchListItem> = {}): MatchListItem {
  return {
    id: 'm1',
    serverId: 'srv_1',
    externalId: null,
    map: 'de_nuke',
    tag: null,
    status: 'live',
    teams: [],
    score: {},
    startedAt: '2026-02-09T18:00:00.000Z',
    endedAt: null,
    ...overrides,
  };
}

describe('match cards', () => {
  it('reads a REST row: dates to epoch ms, teams in start-side order', () => {
    // Act
    const card = matchCardOf(
      row({
        teams: [
          { key: 'B', name: 'FURIA', startSide: 'T', score: 2 },
          { key: 'A', name: 'Team Vitality', startSide: 'CT', score: 13 },
        ],
        score: { FURIA: 2, 'Team Vitality': 13 },
      }),
    );

    // Assess
    expect(card.startedAt).toBe(Date.UTC(2026, 1, 9, 18));
    expect(card.teams.map((team) => team.name)).toEqual(['Team Vitality', 'FURIA']);
    expect(scoreline(card)).toEqual([
      { name: 'Team Vitality', score: 13 },
      { name: 'FURIA', score: 2 },
    ]);
  });

  it('leaves out team entries it cannot read', () => {
    // Act
    const teams = readTeams([null, 'x', { name: 7 }, { name: 'Ok', startSide: 'T' }]);

    // Assess
    expect(teams).toEqual([{ key: 'Ok', name: 'Ok', startSide: 'T', score: 0 }]);
  });

  it('applies live patches: only the fields they carry, and a new match only when complete', () => {
    // Prepare
    const card = matchCardOf(row({ teams: [{ key: 'A', name: 'X', startSide: 'CT', score: 0 }] }));

    // Act
    const scored = applyMatchPatch(card, { id: 'm1', score: { X: 1, Y: 0 }, teams: [] });
    const ended = applyMatchPatch(scored!, { id: 'm1', status: 'finished', endedAt: 1_770_000_000_000 });
    const unknownPartial = applyMatchPatch(undefined, { id: 'm2', score: { X: 1 } });
    const unknownNew = applyMatchPatch(undefined, {
      id: 'm3',
      serverId: 'srv_2',
      map: 'de_ancient',
      status: 'warmup',
      teams: [],
      score: {},
      startedAt: 1_770_000_000_000,
      endedAt: null,
    });

    // Assess
    expect(scored?.score).toEqual({ X: 1, Y: 0 });
    expect(scored?.teams).toHaveLength(1);
    expect(ended?.status).toBe('finished');
    expect(ended?.endedAt).toBe(1_770_000_000_000);
    expect(unknownPartial).toBeNull();
    expect(unknownNew).toMatchObject({
      id: 'm3',
      map: 'de_ancient',
      status: 'warmup',
      startedAt: 1_770_000_000_000,
    });
  });

  it('lists matches in progress first, then finished ones, newest first in each group', () => {
    // Prepare
    const card = (
      id: string,
      status: string,
      startedAt: number,
      endedAt: number | null = null,
    ): MatchCard => ({
      ...matchCardOf(row({ id, status })),
      startedAt,
      endedAt,
    });

    // Act
    const sorted = sortMatches([
      card('old-finished', 'finished', 1, 5),
      card('old-live', 'live', 2),
      card('new-finished', 'finished', 3, 9),
      card('warmup', 'warmup', 4),
      card('abandoned', 'abandoned', 6, 7),
    ]);

    // Assess
    expect(sorted.map((match) => match.id)).toEqual([
      'warmup',
      'old-live',
      'new-finished',
      'abandoned',
      'old-finished',
    ]);
  });
});
