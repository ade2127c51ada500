/**
 * The plugin client against a real ingest server: frames refused with `RATE_LIMITED` (a reply
 * without `seq`) are resent until acked, and a frame rejected before its `seq` could be read does
 * not leave the client waiting forever.
 */

import { SENDER_FRAME_BASE64_CHARS } from '@geqo/shared/domain/codec';
import type { AnyEvent } from '@geqo/shared/domain/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIngestServer, type TestIngestServer } from '../../../test/helpers/ingest-server.ts';
import { planFrames } from './frame-batcher.ts';
import { PluginClient } from './plugin-client.ts';

let ingest: TestIngestServer;

beforeAll(async () => {
  ingest = await startTestIngestServer({ maxFramesPerSecond: 5 });
});

afterAll(async () => {
  await ingest.close();
});

const events = (count: number): AnyEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    type: 'player_footstep' as const,
    ts: 1_779_040_800_000 + i,
    steamId: '76561198081484775',
    pos: [i, 0, 0] as [number, number, number],
  }));

describe('plugin client', () => {
  it('resends frames refused with RATE_LIMITED until every one is acked', async () => {
    const frames = planFrames(
      events(120),
      { server: ingest.serverId, session: 'rate' },
      { maxEvents: 10, maxSpanMs: 1e9, maxBase64Chars: SENDER_FRAME_BASE64_CHARS },
    );
    const client = new PluginClient(frames, {
      url: `ws://127.0.0.1:${ingest.port}/`,
      token: ingest.token,
      window: 12,
    });
    const stats = await client.run();
    expect(stats.ackedFrames).toBe(frames.length);
    expect(stats.resentFrames).toBeGreaterThan(0);
    expect(stats.rejectedFrames).toBe(0);
  });
});
