/**
 * Events written by binary COPY come back from PostgreSQL as they went in: text in any script,
 * backslashes and tabs, nulls, JSON, times before and after 2000, the largest safe sequence number.
 */
import { describe, expect, it } from 'vitest';
import { useMigratedDatabase } from '../../../test/helpers/database.ts';
import type { EnrichedEvent } from '../../domain/match/index.ts';
import { EVENT_COLUMNS, encodeEventsAsCopy } from './copy-binary.ts';
import { sendInOneTrip } from './one-trip.ts';
import { EventPartitions } from './partitions.ts';

const database = useMigratedDatabase('geqo_copy_binary');

function enriched(
  ts: number,
  seq: number,
  text: string,
  extra: Partial<EnrichedEvent['enrichment']> = {},
): EnrichedEvent {
  return {
    key: { server: 'srv\tone', session: 'séssion\\1', seq, index: 2 },
    event: { type: 'chat', ts, steamId: '76561198000000001', text, team: false } as EnrichedEvent['event'],
    enrichment: {
      matchId: null,
      roundNumber: 3,
      phase: 'live',
      isPostRound: true,
      matchTag: null,
      unknownType: false,
      ...extra,
    } as EnrichedEvent['enrichment'],
  };
}

describe('binary COPY into game_events', () => {
  it('stores every column as it was given, text, nulls, JSON, times and the largest sequence number alike', async () => {
    // Prepare
    const events = [
      enriched(Date.parse('2026-12-07T13:14:15.678Z'), 2 ** 53 - 1, 'ñ€ "quoted" \\ back\tslash\nline', {
        matchId: 'match-1',
        matchTag: 'tag ✓',
      }),
      enriched(Date.parse('1999-12-31T23:59:59.999Z'), 1, 'before 2000', { unknownType: true }),
    ];
    const encoded = encodeEventsAsCopy(events);
    await new EventPartitions(database.pool).ensureFor(encoded.days);

    // Act
    const client = await database.pool.connect();
    try {
      await sendInOneTrip(client, [
        { text: 'BEGIN' },
        {
          copy: `COPY game_events (${EVENT_COLUMNS}) FROM STDIN WITH (FORMAT binary)`,
          body: encoded.chunks(),
        },
        { text: 'COMMIT' },
      ]);
    } finally {
      client.release();
    }
    const { rows } = await database.pool.query(
      `SELECT (extract(epoch from ts) * 1000)::float8 AS ts, server_id, session, seq::text, idx, match_id,
              round_number, type, phase, is_post_round, match_tag, flags, payload
         FROM game_events ORDER BY ts DESC`,
    );

    // Assess
    expect(rows).toEqual([
      {
        ts: Date.parse('2026-12-07T13:14:15.678Z'),
        server_id: 'srv\tone',
        session: 'séssion\\1',
        seq: String(2 ** 53 - 1),
        idx: 2,
        match_id: 'match-1',
        round_number: 3,
        type: 'chat',
        phase: 'live',
        is_post_round: true,
        match_tag: 'tag ✓',
        flags: null,
        payload: events[0]?.event,
      },
      {
        ts: Date.parse('1999-12-31T23:59:59.999Z'),
        server_id: 'srv\tone',
        session: 'séssion\\1',
        seq: '1',
        idx: 2,
        match_id: null,
        round_number: 3,
        type: 'chat',
        phase: 'live',
        is_post_round: true,
        match_tag: null,
        flags: { unknownType: true },
        payload: events[1]?.event,
      },
    ]);
  });
});
