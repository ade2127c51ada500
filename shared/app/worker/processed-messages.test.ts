import { describe, expect, it } from 'vitest';
import type { EnrichedEvent } from '../../domain/match/index.ts';
import { processedRecords, statsRecords, toDashboardEvent } from './processed-messages.ts';

const event = (seq: number, text: string): EnrichedEvent => ({
  key: { server: 'srv_a', session: 's"1', seq, index: 0 },
  event: { type: 'chat', ts: 1_000 + seq, steamId: '7656', text, teamOnly: false },
  enrichment: {
    matchId: 'm_1',
    roundNumber: 3,
    phase: 'live',
    isPostRound: seq === 2,
    matchTag: null,
    excluded: false,
    unknownType: false,
  },
});

describe('processed messages', () => {
  it('assembles the events message from precomputed JSON exactly as JSON.stringify would', () => {
    const events = [event(1, 'gl "hf" \\ \n'), event(2, 'ñ\u200b')];
    const [record] = processedRecords(
      events,
      [],
      [],
      events.map((e) => JSON.stringify(e.event)),
    );
    expect(record?.partitionKey).toBe('m_1');
    const text = new TextDecoder().decode(record?.data);
    expect(JSON.parse(text)).toEqual({
      type: 'events',
      matchId: 'm_1',
      events: events.map(toDashboardEvent),
    });
  });

  it('sends match rows to the match topic and to the matches list', () => {
    const records = processedRecords([], [], [{ id: 'm_1', status: 'live' }]);
    expect(records.map((r) => r.partitionKey)).toEqual(['m_1', 'matches']);
  });

  it('sends live statistics to the subscribers of their match only', () => {
    // Prepare
    const update = { matchId: 'm_1', round: 4, players: [], roundPlayers: [], kills: 7 };

    // Act
    const records = statsRecords([update, { ...update, matchId: 'm_2' }], (topic) => topic === 'm_1');

    // Assess
    expect(records.map((r) => r.partitionKey)).toEqual(['m_1']);
    expect(JSON.parse(new TextDecoder().decode(records[0]?.data))).toEqual({ type: 'stats', ...update });
  });
});
