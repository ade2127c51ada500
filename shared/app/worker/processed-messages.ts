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
 * What a committed batch tells dashboards: per match one `events` message (in order), then the
 * rounds and match rows that changed. Match rows also go to the `matches` topic (the match list).
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
    records.push({
      partitionKey: matchId,
      data: encoder.encode(
        `{"type":"events","matchId":${JSON.stringify(matchId)},"events":[${list.join(',')}]}`,
      ),
    });
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
