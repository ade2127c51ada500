/**
 * A record the worker can never process lands in the dead letters with its payload, position and
 * reason; `geqo dlq list` shows it and `geqo dlq replay` puts it back on the stream.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RuntimeProcess, startRuntimeProcess } from '../../local/src/process/runtime-process.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { waitForCount } from '../helpers/stored-events.ts';

let database: TestDatabase;
let runtime: RuntimeProcess;

beforeAll(async () => {
  database = await createTestDatabase();
  runtime = await startRuntimeProcess({ databaseUrl: database.url });
});

afterAll(async () => {
  await runtime?.stop();
  await database?.drop();
});

function geqo(...args: string[]) {
  const result = spawnSync(process.execPath, [resolve('bin/geqo.mjs'), ...args], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

describe('dead letters', () => {
  it('keeps a poison record with its payload and reason, lists it and replays it', async () => {
    const db = new pg.Client(database.url);
    await db.connect();
    try {
      // A record no codec can read, as another producer (or a newer plugin) might leave it.
      await db.query(
        `INSERT INTO stream_records (stream, partition_key, data) VALUES ('raw-game-events', 'srv_poison000001', '\\x92c1c1')`,
      );
      const count = async () => Number((await db.query('SELECT count(*) AS n FROM dead_letters')).rows[0].n);
      await waitForCount(count, 1, 30_000);

      const url = `http://127.0.0.1:${runtime.httpPort}`;
      const listed = JSON.parse(geqo('dlq', 'list', '--json', '--url', url)) as {
        id: number;
        serverId: string;
        code: string;
        reason: string;
        payloadBase64: string;
        replayedAt: string | null;
      }[];
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({
        serverId: 'srv_poison000001',
        code: 'BAD_MSGPACK',
        replayedAt: null,
      });
      expect(Buffer.from(listed[0]!.payloadBase64, 'base64')).toEqual(Buffer.from([0x92, 0xc1, 0xc1]));
      expect(listed[0]!.reason.length).toBeGreaterThan(0);

      expect(geqo('dlq', 'replay', String(listed[0]!.id), '--url', url)).toContain(
        `replayed #${listed[0]!.id}`,
      );
      // Still poison: it fails again and becomes a second dead letter; the first one is marked replayed.
      await waitForCount(count, 2, 30_000);
      const again = JSON.parse(geqo('dlq', 'list', '--json', '--url', url)) as {
        id: number;
        replayedAt: string | null;
      }[];
      expect(again.find((letter) => letter.id === listed[0]!.id)?.replayedAt).not.toBeNull();
      const replayTwice = spawnSync(
        process.execPath,
        [resolve('bin/geqo.mjs'), 'dlq', 'replay', String(listed[0]!.id), '--url', url],
        { encoding: 'utf8' },
      );
      expect(replayTwice.status).toBe(1);
      expect(replayTwice.stderr).toContain('409');
    } finally {
      await db.end();
    }
  });
});
