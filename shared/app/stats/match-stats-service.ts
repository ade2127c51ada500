/**
 * The statistics the REST API serves (DESIGN.md section 8): a match's summary and a player's
 * career. An ended match is served from its aggregates; a match in progress, or one whose
 * aggregation has not caught up with it yet, is recomputed from its stored events on request, so
 * an answer is never stale.
 */
import type { MatchSummary } from '../../domain/match/index.ts';
import { careerStats } from '../../domain/stats/index.ts';
import type { MatchStatsStore, PlayerCareer, StatsQueries } from '../../ports/index.ts';
import type { MatchAggregator } from './match-aggregator.ts';

export interface MatchStatsServiceDeps {
  queries: StatsQueries;
  store: MatchStatsStore;
  aggregator: MatchAggregator;
  /** Matches listed in a career's `recentMatches` (default 20). */
  recentMatches?: number;
}

export class MatchStatsService {
  constructor(private readonly deps: MatchStatsServiceDeps) {}

  /** The MatchSummary of a match; null for an unknown match. */
  async summary(matchId: string): Promise<MatchSummary | null> {
    const stored = await this.deps.queries.storedSummary(matchId);
    if (stored === null) return null;
    if (stored.fresh) return stored.summary;
    const target = await this.deps.store.findMatch(matchId);
    if (target === null) return null;
    return (await this.deps.aggregator.recompute(target)).summary;
  }

  /** A player's career over the stored matches; null for an unknown player. */
  async career(steamId: string): Promise<PlayerCareer | null> {
    const found = await this.deps.queries.playerMatches(steamId);
    if (found === null) return null;
    const recent = this.deps.recentMatches ?? 20;
    const byMap = new Map<string | null, (typeof found.matches)[number]['stats'][]>();
    for (const line of found.matches) {
      const lines = byMap.get(line.map) ?? [];
      lines.push(line.stats);
      byMap.set(line.map, lines);
    }
    return {
      steamId,
      name: found.name,
      career: careerStats(
        steamId,
        found.matches.map((line) => line.stats),
      ),
      recentMatches: found.matches.slice(0, recent).map(({ stats, ...match }) => ({
        ...match,
        roundsPlayed: stats.roundsPlayed,
        kills: stats.kills,
        deaths: stats.deaths,
        assists: stats.assists,
        adr: stats.adr,
        kast: stats.kast,
        rating1: stats.rating1,
        rating2approx: stats.rating2approx,
      })),
      maps: [...byMap]
        .map(([map, lines]) => ({ map, stats: careerStats(steamId, lines) }))
        .sort((a, b) => b.stats.matches - a.stats.matches || b.stats.roundsPlayed - a.stats.roundsPlayed),
    };
  }
}
