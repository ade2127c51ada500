/**
 * The aggregation step (DESIGN.md section 7): when a match ends, its statistics are recomputed
 * from its stored events, the source of truth, and written to `player_match_stats` (and each
 * round's kills to `rounds`).
 *
 * The recomputation is `geqo analyze` over the stored events: the same engine, timeline and
 * statistics, each event keyed as it was stored, so the summary of a stored match equals the
 * summary of its recording. Voided rounds and restarts need no special care: the engine drops them
 * on the replay exactly as it did live.
 *
 * Idempotent and crash-safe by construction: the aggregates are replaced in one transaction,
 * stamped with the version (`updated_at`) of the match row they were computed from. A match is
 * pending while it has ended and its stamp is missing or older than its row; whatever happens (a
 * crash before the write, a match changed during the computation, a later void), the next sweep
 * finds it again, and a repeated run writes the same rows.
 */
import type { MatchStatus, MatchSummary, MatchTimeline } from '../../domain/match/index.ts';
import { summarizeMatch } from '../../domain/match/index.ts';
import {
  computeStoredPlayerStats,
  type StatsOptionsInput,
  type StoredPlayerStats,
} from '../../domain/stats/index.ts';
import type { AggregationTarget, Logger, MatchStatsStore, Metrics } from '../../ports/index.ts';
import { analyzeMatches, pickMainMatch, type SequencedEvent, TRANSIENT_TYPES } from '../analyze/index.ts';

export interface MatchAggregatorDeps {
  store: MatchStatsStore;
  logger: Logger;
  metrics: Metrics;
  /** Settings of the statistics (the published definitions by default). */
  stats?: StatsOptionsInput;
  clock?: () => number;
}

/** A match recomputed from its stored events. */
export interface RecomputedMatch {
  timeline: MatchTimeline;
  summary: MatchSummary;
  /** One line per player, in the summary's order. */
  players: StoredPlayerStats[];
}

export type AggregationOutcome =
  | 'written'
  /** The aggregates already match the match row. */
  | 'up_to_date'
  /** Still in progress: its summary is computed on request instead. */
  | 'not_ended'
  | 'not_found';

const ENDED_STATUSES: ReadonlySet<string> = new Set<MatchStatus>(['finished', 'abandoned']);
const MATCH_STATUSES: ReadonlySet<string> = new Set<MatchStatus>(['warmup', 'live', 'finished', 'abandoned']);

export class MatchAggregator {
  private readonly now: () => number;

  constructor(private readonly deps: MatchAggregatorDeps) {
    this.now = deps.clock ?? Date.now;
  }

  /**
   * Recomputes a match from its stored events, ended or not. The stored status wins over the
   * replay's: an abandoned match only learns it is abandoned from the next match's first event.
   */
  async recompute(target: AggregationTarget): Promise<RecomputedMatch> {
    const stored = await this.deps.store.readEvents(target.id, TRANSIENT_TYPES);
    const events = stored.map(({ session, seq, index, matchTag, event }): SequencedEvent => {
      const sequenced: SequencedEvent = { seq, session, index, event };
      if (matchTag !== null) sequenced.matchTag = matchTag;
      return sequenced;
    });
    const matches = await analyzeMatches(events, {
      serverId: target.serverId,
      ...(this.deps.stats === undefined ? {} : { stats: this.deps.stats }),
    });
    const replayed = matches.find((match) => match.matchId === target.id) ?? pickMainMatch(matches);
    if (replayed?.matchId !== target.id) {
      // The match was opened by something the replay cannot see (e.g. a new external match id
      // on an ordinary event): its rounds are still the stored ones, under the replay's own id.
      this.deps.logger.warn('the replay of a stored match gave it another id', {
        matchId: target.id,
        replayedAs: replayed?.matchId ?? null,
      });
    }
    const built = replayed?.timeline ?? {
      matchId: target.id,
      map: null,
      status: 'warmup',
      teams: [],
      players: [],
      rounds: [],
    };
    const timeline: MatchTimeline = {
      ...built,
      matchId: target.id,
      status: MATCH_STATUSES.has(target.status) ? (target.status as MatchStatus) : built.status,
    };
    const players = computeStoredPlayerStats(timeline, this.deps.stats);
    return { timeline, summary: summarizeMatch(timeline, players), players };
  }

  /** Writes the aggregates of an ended match whose stored ones are missing or stale. */
  async aggregate(matchId: string): Promise<AggregationOutcome> {
    const started = this.now();
    const target = await this.deps.store.findMatch(matchId);
    if (target === null) return 'not_found';
    if (!ENDED_STATUSES.has(target.status)) return 'not_ended';
    if (target.aggregated) return 'up_to_date';
    const { summary, players } = await this.recompute(target);
    await this.deps.store.saveAggregates({
      matchId,
      version: target.version,
      players: players.map((stats) => ({ steamId: stats.steamId, team: stats.team, stats })),
      roundKills: summary.rounds.map((round) => ({ number: round.number, kills: round.kills })),
    });
    const tookMs = this.now() - started;
    this.deps.metrics.count('stats_aggregations');
    this.deps.metrics.observe('stats_aggregation_ms', tookMs);
    this.deps.logger.info('match statistics aggregated', {
      matchId,
      status: target.status,
      rounds: summary.rounds.length,
      players: players.length,
      tookMs,
    });
    return 'written';
  }

  /**
   * Aggregates up to `limit` pending matches (ended, aggregates missing or stale), least recently
   * changed first. One match failing does not hold up the others; the failures are rethrown
   * together at the end, so the caller retries with backoff.
   *
   * `pause`, when given, is awaited after each match with the time it took: a job that shares
   * its machine with ingest uses it to spread a burst of ended matches out instead of taking the
   * processor for all of them at once.
   */
  async aggregatePending(
    limit = 20,
    pause?: (tookMs: number) => Promise<void>,
  ): Promise<{ pending: number; written: number }> {
    const pending = await this.deps.store.pendingMatches(limit);
    let written = 0;
    const failures: unknown[] = [];
    for (const matchId of pending) {
      const started = this.now();
      try {
        if ((await this.aggregate(matchId)) === 'written') written += 1;
        await pause?.(this.now() - started);
      } catch (error) {
        failures.push(error);
        this.deps.metrics.count('stats_aggregation_failures');
        this.deps.logger.error('match statistics aggregation failed', { matchId, error: String(error) });
      }
    }
    if (failures.length > 0) {
      throw new AggregateError(failures, `${failures.length} of ${pending.length} aggregations failed`);
    }
    return { pending: pending.length, written };
  }
}
