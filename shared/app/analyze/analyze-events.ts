/**
 * Offline analysis (`geqo analyze`): the worker's own engine and statistics over a recorded event
 * stream, no server and no database. Each event gets the key `{server, session, seq, index: 0}`
 * with `seq` its line number (or its position), exactly as if one plugin had sent it.
 */
import type { AnyEvent } from '../../domain/events/index.ts';
import {
  applyEvent,
  createServerState,
  DEFAULT_MATCH_RULES,
  type EngineInput,
  type MatchRules,
  type MatchStatus,
  type MatchSummary,
  type MatchTimeline,
  summarizeMatch,
  TimelineBuilder,
} from '../../domain/match/index.ts';
import { computeMatchStats, type StatsOptionsInput } from '../../domain/stats/index.ts';
import { readEventLines } from './read-event-lines.ts';

export interface AnalyzeOptions {
  /** Server id in event keys and match ids (default `file`). */
  serverId?: string;
  /** Session in event keys (default `file`). */
  session?: string;
  /** Operator label copied to every event, as a frame's `tag` would be. */
  matchTag?: string;
  /** The competitive format (default MR12 with MR3 overtimes). */
  rules?: Partial<MatchRules>;
  stats?: StatsOptionsInput;
  /** Called every `progressEvery` events with the count so far. */
  onProgress?: (eventsApplied: number) => void;
  progressEvery?: number;
}

/** One match found in the stream. */
export interface AnalyzedMatch {
  matchId: string;
  timeline: MatchTimeline;
  summary: MatchSummary;
}

/**
 * An event with the sequence number it was recorded at (a file's line number). Events read back
 * from storage also carry the rest of their stable key and their frame's labels, so the engine
 * sees exactly what the worker saw (same match ids, same plugin sessions).
 */
export interface SequencedEvent {
  seq: number;
  event: AnyEvent;
  /** The plugin session (default: the `session` option). */
  session?: string;
  /** Index of the event within its frame (default 0). */
  index?: number;
  /** The frame's operator label (default: the `matchTag` option). */
  matchTag?: string;
  /** The frame's external match id (MatchZy / get5). */
  externalMatchId?: string;
}

/**
 * Bulk events with no bearing on rounds or statistics: not kept in memory (the engine passes them
 * through untouched, so leaving them out of a replay of stored events changes nothing either).
 */
export const TRANSIENT_TYPES: ReadonlySet<string> = new Set(['positions', 'player_footstep']);

const EMPTY_SUMMARY: MatchSummary = Object.freeze({
  map: null,
  status: 'warmup',
  teams: [],
  rounds: [],
  players: [],
}) as MatchSummary;

/**
 * Every match in a stream of events, in the order they started (a file can hold a map change
 * or a second match after a game over).
 */
export async function analyzeMatches(
  events: AsyncIterable<AnyEvent | SequencedEvent> | Iterable<AnyEvent | SequencedEvent>,
  options: AnalyzeOptions = {},
): Promise<AnalyzedMatch[]> {
  const serverId = options.serverId ?? 'file';
  const session = options.session ?? 'file';
  const state = createServerState(serverId, { rules: { ...DEFAULT_MATCH_RULES, ...options.rules } });
  const builders = new Map<string, TimelineBuilder>();
  const endStatuses = new Map<string, MatchStatus>();
  // The map a match started on: carried over from the match before it when no map loads.
  const startMaps = new Map<string, string | null>();
  const progressEvery = options.progressEvery ?? 10_000;
  let position = 0;
  for await (const item of events) {
    position++;
    const sequenced: SequencedEvent = isSequenced(item) ? item : { seq: position, event: item };
    const input: EngineInput = {
      key: {
        server: serverId,
        session: sequenced.session ?? session,
        seq: sequenced.seq,
        index: sequenced.index ?? 0,
      },
      event: sequenced.event,
    };
    const matchTag = sequenced.matchTag ?? options.matchTag;
    if (matchTag !== undefined) input.matchTag = matchTag;
    if (sequenced.externalMatchId !== undefined) input.externalMatchId = sequenced.externalMatchId;
    const step = applyEvent(state, input);
    for (const effect of step.effects) {
      if (effect.type === 'match_ended') endStatuses.set(effect.matchId, effect.status);
      else if (effect.type === 'match_started') startMaps.set(effect.matchId, effect.map);
    }
    const matchId = step.enriched.enrichment.matchId;
    if (matchId !== null) {
      let builder = builders.get(matchId);
      if (builder === undefined) {
        builder = new TimelineBuilder({ matchId, dropEventTypes: TRANSIENT_TYPES });
        builders.set(matchId, builder);
      }
      builder.add(step.enriched);
    }
    if (options.onProgress !== undefined && position % progressEvery === 0) options.onProgress(position);
  }
  const analyzed: AnalyzedMatch[] = [];
  for (const [matchId, builder] of builders) {
    const built = builder.build();
    const endStatus = endStatuses.get(matchId);
    const timeline: MatchTimeline = {
      ...built,
      map: built.map ?? startMaps.get(matchId) ?? null,
      // A match replaced before its game over: the engine says whether the score had decided it.
      status: endStatus ?? built.status,
    };
    const players = computeMatchStats(timeline, options.stats);
    analyzed.push({ matchId, timeline, summary: summarizeMatch(timeline, players) });
  }
  return analyzed;
}

/**
 * The MatchSummary of the stream's match, as {@link pickMainMatch} chooses it (an empty summary
 * when the stream holds none).
 */
export async function analyzeEvents(
  events: AsyncIterable<AnyEvent | SequencedEvent> | Iterable<AnyEvent | SequencedEvent>,
  options: AnalyzeOptions = {},
): Promise<MatchSummary> {
  return pickMainMatch(await analyzeMatches(events, options))?.summary ?? EMPTY_SUMMARY;
}

/**
 * The match a user means when they analyze a file: the last finished one, else the one with the
 * most completed rounds (the later one on a tie), else the last one. A server that goes back to
 * warmup after its game over, or a log that ends in a round nobody finished, starts a match that
 * never played: it is listed ({@link listMatches}) but not chosen.
 */
export function pickMainMatch(matches: readonly AnalyzedMatch[]): AnalyzedMatch | undefined {
  const finished = matches.findLast(
    (match) => match.timeline.status === 'finished' && completedRounds(match.timeline) > 0,
  );
  if (finished !== undefined) return finished;
  let best: AnalyzedMatch | undefined;
  for (const match of matches) {
    if (best === undefined || completedRounds(match.timeline) >= completedRounds(best.timeline)) best = match;
  }
  return best;
}

/** Live rounds with a result (a round in play when the stream ends has none). */
export function completedRounds(timeline: MatchTimeline): number {
  return timeline.rounds.filter((round) => round.winnerSide !== null).length;
}

/** One line of the list of matches a file holds (`analyze` prints it, and puts it in its JSON). */
export interface MatchOverview {
  /** 1-based position in the file, as `--match` takes it. */
  index: number;
  matchId: string;
  map: string | null;
  status: MatchStatus;
  /** In start-side order; empty when no live round was played. */
  teams: { name: string; score: number }[];
  /** Live rounds with a result. */
  rounds: number;
}

/** The matches of a file in order, each as {@link MatchOverview}. */
export function listMatches(matches: readonly AnalyzedMatch[]): MatchOverview[] {
  return matches.map(({ matchId, timeline }, i) => ({
    index: i + 1,
    matchId,
    map: timeline.map,
    status: timeline.status,
    teams: timeline.teams.map(({ name, score }) => ({ name, score })),
    rounds: completedRounds(timeline),
  }));
}

/** Every match in a JSON-lines file, each event keyed by its line number. */
export async function analyzeJsonLinesFile(
  path: string,
  options: AnalyzeOptions = {},
): Promise<AnalyzedMatch[]> {
  return analyzeMatches(sequenced(readEventLines(path)), options);
}

/** An event always has a `type`; a sequenced wrapper never does. */
function isSequenced(item: AnyEvent | SequencedEvent): item is SequencedEvent {
  return !('type' in item);
}

async function* sequenced(
  lines: AsyncIterable<{ line: number; event: AnyEvent }>,
): AsyncGenerator<SequencedEvent> {
  for await (const { line, event } of lines) yield { seq: line, event };
}
