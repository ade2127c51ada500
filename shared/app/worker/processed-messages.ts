import { toStoredForm } from '../../domain/events/index.ts';
import type { EnrichedEvent } from '../../domain/match/index.ts';
import type { LiveStatsUpdate } from '../../domain/stats/index.ts';
import type {
  DashboardEvent,
  MatchPatch,
  ProcessedMessage,
  RoundRow,
  StreamRecord,
} from '../../ports/index.ts';
import { MATCHES_TOPIC } from '../broadcast/index.ts';

const encoder = new TextEncoder();

/**
 * The largest processed message, serialized, in bytes. API Gateway posts at most 128 KB to a
 * WebSocket connection (PostToConnection answers 413 above it) and a Kinesis record holds at most
 * 1 MiB: a batch's `events` for one match can pass both, so they are split into several `events`
 * messages under this budget, in order (a dashboard applies them one after the other).
 */
export const MAX_MESSAGE_BYTES = 120_000;

/**
 * Consecutive runs of `items` (JSON texts) whose comma-joined length stays within `budget`
 * bytes. An item larger than the budget on its own makes a part by itself: it cannot be cut.
 */
function eventParts(items: readonly string[], budget: number): string[][] {
  const parts: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const item of items) {
    const length = Buffer.byteLength(item, 'utf8');
    const added = current.length === 0 ? length : length + 1;
    if (current.length > 0 && size + added > budget) {
      parts.push(current);
      current = [];
      size = 0;
    }
    size += current.length === 0 ? length : length + 1;
    current.push(item);
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

function record(topic: string, message: ProcessedMessage): StreamRecord {
  return { partitionKey: topic, data: encoder.encode(JSON.stringify(message)) };
}

export function toDashboardEvent({ key, event, enrichment }: EnrichedEvent): DashboardEvent {
  return {
    key: [key.server, key.session, key.seq, key.index],
    ts: event.ts,
    type: event.type,
    round: enrichment.roundNumber,
    phase: enrichment.phase,
    postRound: enrichment.isPostRound,
    data: toStoredForm(event),
  };
}

/** {@link toDashboardEvent} as JSON, around the event's own JSON. */
export function dashboardEventJson({ key, event, enrichment }: EnrichedEvent, eventJson: string): string {
  const keyJson = JSON.stringify([key.server, key.session, key.seq, key.index]);
  return `{"key":${keyJson},"ts":${event.ts},"type":${JSON.stringify(event.type)},"round":${enrichment.roundNumber},"phase":"${enrichment.phase}","postRound":${enrichment.isPostRound},"data":${eventJson}}`;
}

/**
 * What a batch (or one part of an extended batch) tells dashboards: per match its `events` (in
 * order, in as many messages as {@link MAX_MESSAGE_BYTES} needs), then the rounds and match rows
 * that changed. Match rows also go to the `matches` topic (the match list).
 */
export function processedRecords(
  events: readonly EnrichedEvent[],
  rounds: readonly RoundRow[],
  matches: readonly MatchPatch[],
  eventJson?: readonly string[],
  /** Leave out `events` messages of matches nobody follows (known only in-process). */
  wanted: (topic: string) => boolean = () => true,
): StreamRecord[] {
  // The `events` messages are assembled from each event's JSON, made once by the worker:
  // the same text as JSON.stringify of {type, matchId, events: DashboardEvent[]}.
  const byMatch = new Map<string, string[]>();
  events.forEach((enriched, i) => {
    const matchId = enriched.enrichment.matchId;
    if (!matchId || !wanted(matchId)) return;
    const list = byMatch.get(matchId) ?? [];
    if (list.length === 0) byMatch.set(matchId, list);
    list.push(dashboardEventJson(enriched, eventJson?.[i] ?? JSON.stringify(toStoredForm(enriched.event))));
  });
  const records: StreamRecord[] = [];
  for (const [matchId, list] of byMatch) {
    const head = `{"type":"events","matchId":${JSON.stringify(matchId)},"events":[`;
    for (const part of eventParts(list, MAX_MESSAGE_BYTES - Buffer.byteLength(head, 'utf8') - 2)) {
      records.push({ partitionKey: matchId, data: encoder.encode(`${head}${part.join(',')}]}`) });
    }
  }
  for (const round of rounds)
    records.push(record(round.matchId, { type: 'round', matchId: round.matchId, round }));
  for (const match of matches) {
    const message: ProcessedMessage = { type: 'match', matchId: match.id, match };
    records.push(record(match.id, message), record(MATCHES_TOPIC, message));
  }
  return records;
}

/** The live statistics' updates of a committed batch, one `stats` message each, to the match's topic. */
export function statsRecords(
  updates: readonly LiveStatsUpdate[],
  wanted: (topic: string) => boolean = () => true,
): StreamRecord[] {
  return updates
    .filter((update) => wanted(update.matchId))
    .map((update) => record(update.matchId, { type: 'stats', ...update }));
}
