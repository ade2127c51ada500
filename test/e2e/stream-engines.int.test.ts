/**
 * `geqo up` on the other stream engines: a real Kafka broker (`--stream kafka --brokers …`) and
 * Kinesis through kinesis-local (`GEQO_STREAM=kinesis`, `GEQO_KINESIS_ENDPOINT`). The same replay
 * must store every event exactly once.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFrames } from '../../cli/src/replay/frame-batcher.ts';
import { PluginClient } from '../../cli/src/replay/plugin-client.ts';
import { readAllEvents } from '../../cli/src/replay/read-events.ts';
import { startRuntimeProcess } from '../../local/src/process/runtime-process.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { countEvents, storedEvents, waitForCount } from '../helpers/stored-events.ts';
import { startKafkaBroker } from '../services/kafka-broker.ts';
import { startKinesisLocal } from '../services/kinesis-local.ts';
import { uniqueName } from '../services/unique-name.ts';

const MATCH = resolve('../shared/fixtures/matches/2026-02-09_de_nuke_FURIA_2-13_Team_Vitality.jsonl');

async function replayThrough(
  env: Record<string, string>,
  /** More checks once every event is stored, given the `/metrics` text each time it is asked. */
  afterStored?: (metrics: () => Promise<string>) => Promise<void>,
): Promise<void> {
  const database = await createTestDatabase();
  const runtime = await startRuntimeProcess({ databaseUrl: database.url, env });
  try {
    const created = await fetch(`http://127.0.0.1:${runtime.httpPort}/v1/servers`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'engine' }),
    });
    const { token, serverId } = (await created.json()) as { token: string; serverId: string };
    const events = await readAllEvents(MATCH);
    const frames = planFrames(events, { server: serverId, session: 'engine' });
    const stats = await new PluginClient(frames, {
      url: `ws://127.0.0.1:${runtime.ingestPort}/`,
      token,
    }).run();
    expect(stats.ackedFrames).toBe(frames.length);
    await waitForCount(() => countEvents(database.url), events.length, 60_000);
    const stored = await storedEvents(database.url);
    expect(stored).toHaveLength(events.length);
    expect(new Set(stored.map((row) => row.key)).size).toBe(events.length);
    await afterStored?.(async () => (await fetch(`http://127.0.0.1:${runtime.httpPort}/metrics`)).text());
    expect(await runtime.stop()).toBe(0);
  } finally {
    await database.drop();
  }
}

describe('geqo up on other stream engines', () => {
  it('runs on a real Kafka broker, with the consumer lag and rebalances in /metrics', async () => {
    const broker = await startKafkaBroker();
    const rawStream = uniqueName('raw');
    try {
      await replayThrough(
        { GEQO_STREAM: 'kafka', GEQO_KAFKA_BROKERS: broker.brokers.join(','), GEQO_RAW_STREAM: rawStream },
        async (metrics) => {
          // The lag is refreshed every 5 s: all stored and committed, it comes down to 0.
          const caughtUp = `geqo_stream_consumer_lag_records{stream="${rawStream}",partition="0"} 0`;
          const deadline = Date.now() + 30_000;
          let text = await metrics();
          while (!text.includes(caughtUp) && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 500));
            text = await metrics();
          }
          expect(text).toContain(caughtUp);
          expect(text).toMatch(
            new RegExp(`^geqo_stream_rebalances_total\\{stream="${rawStream}"\\} [1-9]`, 'm'),
          );
        },
      );
    } finally {
      await broker.stop();
    }
  });

  it('runs on Kinesis (kinesis-local)', async () => {
    const kinesis = await startKinesisLocal();
    try {
      await replayThrough({
        GEQO_STREAM: 'kinesis',
        GEQO_KINESIS_ENDPOINT: kinesis.endpoint,
        AWS_REGION: kinesis.region,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        GEQO_RAW_STREAM: uniqueName('raw'),
      });
    } finally {
      await kinesis.stop();
    }
  });
});
