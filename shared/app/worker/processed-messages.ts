import type { EnrichedEvent } from '../../domain/match/index.ts';
import type { MatchPatch, RoundRow, StreamRecord } from '../../ports/index.ts';
import { MATCHES_TOPIC } from '../broadcast/index.ts';

/** One event as dashboards receive it. `key` is `[server, session, seq, index]`. */
export interface DashboardEvent {
  key: [string, string, number, number];
  ts: number;
  type: string;
  round: number;
  phase: string;
  postRound: boolean;
  data: unknown;
}

/** The JSON messages on `processed-game-events`; the partition key is the topic. */
export type ProcessedMessage =
  | { type: 'events'; matchId: string; events: DashboardEvent[] }
  | { type: 'round'; matchId: string; round: RoundRow }
  | { type: 'match'; matchId: string; match: MatchPatch };

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
    data: event,
  };
}

/**
 * What a committed batch tells dashboards: per match one `events` message (in order), then the
 * rounds and match rows that changed. Match rows also go to the `matches` topic (the match list).
 */
export function processedRecords(
  events: readonly EnrichedEvent[],
  rounds: readonly RoundRow[],
  matches: readonly MatchPatch[],
): StreamRecord[] {
  const byMatch = new Map<string, DashboardEvent[]>();
  for (const enriched of events) {
    const matchId = enriched.enrichment.matchId;
    if (!matchId) continue;
    const list = byMatch.get(matchId) ?? [];
    if (list.length === 0) byMatch.set(matchId, list);
    list.push(toDashboardEvent(enriched));
  }
  const records: StreamRecord[] = [];
  for (const [matchId, list] of byMatch)
    records.push(record(matchId, { type: 'events', matchId, events: list }));
  for (const round of rounds)
    records.push(record(round.matchId, { type: 'round', matchId: round.matchId, round }));
  for (const match of matches) {
    const message: ProcessedMessage = { type: 'match', matchId: match.id, match };
    records.push(record(match.id, message), record(MATCHES_TOPIC, message));
  }
  return records;
}
