import { describe, expect, it } from 'vitest';
import type { EnrichedEvent } from '../../domain/match/index.ts';
import { MAX_MESSAGE_BYTES, processedRecords, statsRecords, toDashboardEvent } from './processed-messages.ts';

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

  it("splits 300 KB of one match's events into messages each under 128 KB whose events, in order, are the original", () => {
    // Prepare: 600 chat lines of about 500 bytes, some of them multi-byte characters.
    const events = Array.from({ length: 600 }, (_, i) =>
      event(i + 1, `${i % 7 === 0 ? 'ñé€😀' : 'x'}`.repeat(300)),
    );
    const whole = JSON.stringify({ type: 'events', matchId: 'm_1', events: events.map(toDashboardEvent) });
    expect(Buffer.byteLength(whole)).toBeGreaterThan(300_000);

    // Act
    const records = processedRecords(events, [], []);

    // Assess
    expect(records.length).toBeGreaterThan(2);
    const messages = records.map((record) => {
      expect(record.partitionKey).toBe('m_1');
      expect(record.data.byteLength).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
      expect(record.data.byteLength).toBeLessThan(128 * 1024);
      return JSON.parse(new TextDecoder().decode(record.data)) as { type: string; events: unknown[] };
    });
    expect(messages.every((message) => message.type === 'events')).toBe(true);
    expect(messages.flatMap((message) => message.events)).toEqual(events.map(toDashboardEvent));
  });

  it('keeps an event larger than the budget whole, in a message of its own', () => {
    // Prepare
    const events = [event(1, 'a'), event(2, 'b'.repeat(MAX_MESSAGE_BYTES)), event(3, 'c')];

    // Act
    const records = processedRecords(events, [], []);

    // Assess
    const parts = records.map((record) =>
      (JSON.parse(new TextDecoder().decode(record.data)) as { events: { key: unknown[] }[] }).events.map(
        (e) => e.key[2],
      ),
    );
    expect(parts).toEqual([[1], [2], [3]]);
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
