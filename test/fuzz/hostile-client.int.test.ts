/**
 * The fuzz suite's end-to-end property, against `geqo up` run as its own process on a real
 * PostgreSQL: a hostile server sends a few hundred mutated frames (and a hostile client a stream
 * of broken HTTP requests) on the real ports; then another server's valid frame must be stored
 * within 5 s, the process must still be up and healthy, and every mutated frame must have been
 * acked (its events then stored, or a dead letter kept for it) or answered with an error code.
 */
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planFrames } from '../../cli/src/replay/frame-batcher.ts';
import { type RuntimeProcess, startRuntimeProcess } from '../../local/src/process/runtime-process.ts';
import { decodeFrame } from '../../shared/domain/codec/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { fixtureMatches } from './support/fixture-inputs.ts';
import { frameCase } from './support/frame-inputs.ts';
import { e2eRuns, fuzzSeed, tally } from './support/fuzz-runs.ts';
import {
  type HostileMessage,
  HostilePluginSocket,
  rawHttpRequest,
  type SocketOutcome,
} from './support/hostile-client.ts';
import { hostileRequest } from './support/http-inputs.ts';
import type { HostileRequest } from './support/rest-inputs.ts';

/** A reply's code: the stable codes of DESIGN.md section 3 and any later one, upper snake case. */
const ERROR_CODE = /^[A-Z][A-Z0-9_]*$/;
/**
 * Past the protocol's frame limit (32 KiB as base64, DESIGN.md section 3) a socket may close
 * with 1009 instead of answering, as API Gateway does.
 */
const FRAME_LIMIT = 32 * 1024;
const HUGE_MESSAGE = 5 * 1024 * 1024;

let database: TestDatabase;
let runtime: RuntimeProcess;
let db: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase('geqo_fuzz');
  runtime = await startRuntimeProcess({ databaseUrl: database.url });
  db = new pg.Client(database.url);
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await runtime?.stop();
  await database?.drop();
});

async function addServer(api: string, name: string): Promise<{ serverId: string; token: string }> {
  const created = await fetch(`${api}/v1/servers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  expect(created.status).toBe(201);
  return (await created.json()) as { serverId: string; token: string };
}

/** Messages no mutation of a valid frame makes: bad UTF-8 in text frames, an oversized frame, a huge message. */
function edgeMessages(): { message: HostileMessage; label: string }[] {
  return [
    {
      message: { opcode: 'text', data: Uint8Array.of(0xff, 0xfe, 0x41) },
      label: 'text frame, bytes ff fe 41',
    },
    {
      message: { opcode: 'text', data: Uint8Array.of(0xed, 0xa0, 0x80) },
      label: 'text frame, an encoded lone surrogate',
    },
    { message: { opcode: 'text', data: Uint8Array.of(0xc0, 0x80) }, label: 'text frame, an overlong NUL' },
    { message: { opcode: 'text', data: 'A'.repeat(200_000) }, label: 'text frame of 200,000 base64 chars' },
    { message: { opcode: 'binary', data: new Uint8Array(HUGE_MESSAGE) }, label: 'binary frame of 5 MiB' },
  ];
}

/** The runtime's last stderr and error log lines. */
function lastWords(): string {
  const errors = runtime.logs
    .filter((entry) => entry.level === 'error' || entry.level === 50 || entry.level === 'fatal')
    .slice(-5)
    .map((entry) => JSON.stringify(entry).slice(0, 400));
  return `${runtime.stderr().slice(-1_500)}\n${errors.join('\n')}`;
}

function describeOutcome(outcome: SocketOutcome): string {
  switch (outcome.kind) {
    case 'ack':
      return `ack ${outcome.seq}`;
    case 'error':
      return `error ${outcome.code}`;
    case 'closed':
      return `socket closed (${outcome.code}) without a reply`;
    case 'no-reply':
      return 'no reply within 10 s';
    case 'refused':
      return `could not connect (${outcome.reason})`;
    case 'bad-reply':
      return `a reply that is neither an ack nor an error: ${outcome.text}`;
  }
}

describe('fuzz: a hostile client against geqo up', () => {
  it(
    'answers every mutated frame and request, keeps what it acked, and stores another server’s frame within 5 s',
    async () => {
      // Prepare: a hostile server and an honest one; the mutated frames and the hostile requests.
      const api = `http://127.0.0.1:${runtime.httpPort}`;
      const ingestUrl = `ws://127.0.0.1:${runtime.ingestPort}/`;
      const hostile = await addServer(api, 'fuzz hostile');
      const honest = await addServer(api, 'fuzz honest');
      const runs = e2eRuns();
      const cases = fc.sample(frameCase({ server: hostile.serverId }), {
        seed: fuzzSeed('e2e-frames'),
        numRuns: runs,
      });
      const messages = [
        ...cases.map((item) => ({
          message:
            typeof item.message === 'string'
              ? ({ opcode: 'text', data: item.message } as const)
              : ({ opcode: 'binary', data: item.message } as const),
          label: item.steps.join('; '),
        })),
        ...edgeMessages(),
      ];
      const requests = fc.sample(hostileRequest(hostile), {
        seed: fuzzSeed('e2e-requests'),
        numRuns: Math.ceil(runs / 2),
      });

      tally('e2e-frames', messages.length);
      tally('e2e-requests', requests.length);

      // Act: the frames on one socket, the requests four at a time, both at once.
      const socket = new HostilePluginSocket(ingestUrl, hostile.token);
      const frameOutcomes: { message: HostileMessage; label: string; outcome: SocketOutcome }[] = [];
      const sendFrames = async () => {
        for (const { message, label } of messages) {
          try {
            frameOutcomes.push({ message, label, outcome: await socket.send(message) });
          } catch (error) {
            // The socket could not even connect: the process is down or refusing.
            frameOutcomes.push({ message, label, outcome: { kind: 'refused', reason: String(error) } });
            break;
          }
        }
        socket.close();
      };
      const httpFailures: string[] = [];
      const sendRequests = async () => {
        let next = 0;
        const worker = async () => {
          for (let index = next++; index < requests.length; index = next++) {
            const request: HostileRequest = requests[index]!;
            const outcome = await rawHttpRequest(runtime.httpPort, request);
            if (typeof outcome.status !== 'number' || outcome.status >= 500) {
              const body = 'body' in outcome ? ` ${outcome.body.slice(0, 120)}` : '';
              httpFailures.push(`${request.label} -> ${outcome.status}${body}`);
            }
          }
        };
        await Promise.all([worker(), worker(), worker(), worker()]);
      };
      await Promise.all([sendFrames(), sendRequests()]);
      // Still up? If not, what it said last is the finding.
      await new Promise((wake) => setTimeout(wake, 200));
      expect(runtime.child.exitCode, `geqo up died during the hostile traffic:\n${lastWords()}`).toBeNull();

      // Another server's valid frame, sent afterwards, is stored within 5 s.
      const events = fixtureMatches()[0]!.slice(0, 20);
      const [valid] = planFrames(events, { server: honest.serverId, session: 'after-the-storm' });
      const sentAt = Date.now();
      const honestSocket = new HostilePluginSocket(ingestUrl, honest.token);
      const honestOutcome = await honestSocket.send({ opcode: 'binary', data: valid!.bytes });
      honestSocket.close();
      let honestStored = 0;
      while (Date.now() - sentAt < 5_000) {
        const { rows } = await db.query('SELECT count(*)::int AS n FROM game_events WHERE server_id = $1', [
          honest.serverId,
        ]);
        honestStored = rows[0].n as number;
        if (honestStored >= events.length) break;
        await new Promise((wake) => setTimeout(wake, 100));
      }
      const honestMs = Date.now() - sentAt;

      // Assess: up, healthy, the honest frame stored in time.
      expect(runtime.child.exitCode, lastWords()).toBeNull();
      expect((await fetch(`${api}/healthz`)).status).toBe(200);
      expect.soft(honestOutcome).toEqual({ kind: 'ack', seq: 1 });
      expect
        .soft(honestStored, `another server's frame after the hostile traffic (${honestMs} ms)`)
        .toBe(events.length);

      // Every frame answered: an ack, or an error with a code (a 1009 close only past the frame limit).
      const unanswered = frameOutcomes
        .filter(({ message, outcome }) => {
          if (outcome.kind === 'ack') return false;
          if (outcome.kind === 'error') return !ERROR_CODE.test(outcome.code);
          return !(outcome.kind === 'closed' && outcome.code === 1009 && message.data.length > FRAME_LIMIT);
        })
        .map(({ label, outcome }) => `${describeOutcome(outcome)} <- ${label.slice(0, 300)}`);
      expect.soft(unanswered, 'frames neither acked nor answered with a code').toEqual([]);
      // Every hostile request answered, and not with a 5xx.
      expect.soft(httpFailures, 'hostile requests without an answer, or answered 5xx').toEqual([]);

      // Every acked frame: its events stored, or a dead letter kept for it with its code and reason (the worker may wait
      // 30 s on a sequence gap a mutated seq opened before it applies the frame).
      const acked = frameOutcomes
        .filter(({ outcome }) => outcome.kind === 'ack')
        .map(({ message, label }) => {
          const bytes =
            typeof message.data === 'string'
              ? Buffer.from(message.data, 'base64')
              : Buffer.from(message.data);
          const decoded = decodeFrame(message.data);
          if (!decoded.ok) throw new Error(`acked, but not decodable here: ${label}`);
          const { session, seq, events: frameEvents } = decoded.frame;
          return {
            key: `${session}\u0001${seq}`,
            events: frameEvents.length,
            hex: bytes.toString('hex'),
            label,
          };
        });
      const unresolved = async () => {
        const stored = new Map<string, number>();
        const { rows } = await db.query(
          'SELECT session, seq::text AS seq, count(*)::int AS n FROM game_events WHERE server_id = $1 GROUP BY session, seq',
          [hostile.serverId],
        );
        for (const row of rows) stored.set(`${row.session}\u0001${row.seq}`, row.n as number);
        const letters = new Set(
          (
            await db.query(
              "SELECT encode(payload, 'hex') AS hex FROM dead_letters WHERE code <> '' AND reason <> ''",
            )
          ).rows.map((row) => row.hex as string),
        );
        const byKey = new Map<string, typeof acked>();
        for (const frame of acked) byKey.set(frame.key, [...(byKey.get(frame.key) ?? []), frame]);
        return [...byKey.values()]
          .filter(
            (group) =>
              !group.some((frame) => (stored.get(frame.key) ?? 0) === frame.events || letters.has(frame.hex)),
          )
          .flat();
      };
      const deadline = Date.now() + 45_000;
      let missing = await unresolved();
      while (missing.length > 0 && Date.now() < deadline) {
        await new Promise((wake) => setTimeout(wake, 500));
        missing = await unresolved();
      }
      expect
        .soft(
          missing.map(
            ({ events: count, label }) =>
              `${count} events, neither stored nor dead-lettered <- ${label.slice(0, 300)}`,
          ),
          `acked frames lost; geqo up's last errors:\n${lastWords()}`,
        )
        .toEqual([]);
      expect(runtime.child.exitCode).toBeNull();
    },
    300_000 + e2eRuns() * 200,
  );
});
