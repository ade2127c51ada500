/**
 * `geqo up` under a dashboard subscription flood: one `/ws` connection asking for 5,000 distinct
 * match ids once took the process past 3 GiB and stalled `/healthz` for 4.5 s (every subscription
 * sent the whole topic list to the worker thread). Here the runtime runs as a user runs it.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RuntimeProcess, startRuntimeProcess } from '../../local/src/process/runtime-process.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let database: TestDatabase;
let runtime: RuntimeProcess;
const knownMatches = Array.from({ length: 100 }, (_, i) => `m_flood_${i}`);

beforeAll(async () => {
  database = await createTestDatabase();
  runtime = await startRuntimeProcess({ databaseUrl: database.url });
  const db = new pg.Client(database.url);
  await db.connect();
  await db.query(
    `INSERT INTO matches (id, server_id, status, started_at)
     SELECT id, 'srv_flood', 'live', now() FROM unnest($1::text[]) AS id`,
    [knownMatches],
  );
  await db.end();
});

afterAll(async () => {
  await runtime?.stop();
  await database?.drop();
});

/** The runtime's resident memory, from the kernel (bytes). */
function residentBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.match(/(\d+)/)?.[1] ?? 0) * 1024;
}

describe('geqo up under a /ws subscription flood', () => {
  it('answers 5,000 subscriptions on one socket with bounded errors while /healthz stays fast and memory flat', async () => {
    // Prepare
    const pid = runtime.child.pid ?? 0;
    const base = `http://127.0.0.1:${runtime.httpPort}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const rssBefore = residentBytes(pid);
    const ws = new WebSocket(`ws://127.0.0.1:${runtime.httpPort}/ws`);
    const replies: Record<string, unknown>[] = [];
    ws.on('message', (data) => replies.push(JSON.parse(String(data)) as Record<string, unknown>));
    await once(ws, 'open');
    let polling = true;
    const healthLatencies: number[] = [];
    const health = (async () => {
      while (polling) {
        const begun = performance.now();
        expect((await fetch(`${base}/healthz`)).status).toBe(200);
        healthLatencies.push(performance.now() - begun);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    // Act
    const ids = Array.from({ length: 5_000 }, (_, i) => knownMatches[i] ?? `m_unknown_${i}`);
    for (const matchId of ids) ws.send(JSON.stringify({ action: 'subscribe', matchId }));
    const deadline = Date.now() + 60_000;
    while (replies.length < ids.length + 1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    polling = false;
    await health;

    // Assess: a reply to each (after the hello); 64 followed, the rest refused with a code.
    const answers = replies.filter((reply) => reply.type !== 'hello');
    expect(answers).toHaveLength(ids.length);
    expect(answers.filter((reply) => reply.type === 'subscribed')).toHaveLength(64);
    const codes = new Set(
      answers.filter((reply) => reply.type === 'error').map((reply) => String(reply.code)),
    );
    expect(
      [...codes].every((code) => ['TOO_MANY_SUBSCRIPTIONS', 'UNKNOWN_MATCH', 'RATE_LIMITED'].includes(code)),
    ).toBe(true);
    // Loose for a loaded two-core machine: the flood once stalled it for 4.5 s and grew it by gigabytes.
    expect(Math.max(...healthLatencies)).toBeLessThan(2_000);
    expect(residentBytes(pid) - rssBefore).toBeLessThan(256 * 1024 * 1024);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });
});
