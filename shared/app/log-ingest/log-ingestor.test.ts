/// <reference types="vite/client" />

import { describe, expect, it } from 'vitest';
import logText from '../../../../shared/fixtures/cs2-logs/0f870999-5f60-4259-7837-08de566fc039.log?raw';
import { silentLogger } from '../../adapters/logging/index.ts';
import { MemoryIngestChannelStore } from '../../adapters/memory/index.ts';
import { noMetrics } from '../../adapters/metrics/index.ts';
import { LogStreamParser } from '../../domain/cs2-log/index.ts';
import type { IngestChannelRecord } from '../../ports/index.ts';
import { UnavailableError } from '../../ports/index.ts';
import { ChannelConflictError } from './ingest-channels.ts';
import {
  completeUtf8Length,
  type LogBody,
  LogBodyAheadError,
  LogIngestor,
  MAX_HELD_BODIES,
} from './log-ingestor.ts';
import { channelsFor, RecordingProducer } from './test-helpers.ts';

const SERVER = 'srv_0123456789ab';
const LOG = Buffer.from(logText, 'utf8');

function ingestorFor(parts = channelsFor()) {
  return {
    ...parts,
    ingestor: new LogIngestor({ channels: parts.channels, logger: silentLogger, metrics: noMetrics }),
  };
}

/** The log as CS2 would POST it: byte ranges of varying size, cut anywhere (mid-line, mid-block). */
function bodies(bytes: Buffer, instance = 'instance-1'): LogBody[] {
  const out: LogBody[] = [];
  let offset = 0;
  for (let size = 97; offset < bytes.length; size = (size * 7 + 13) % 6_007) {
    const end = Math.min(bytes.length, offset + Math.max(1, size));
    out.push({
      serverId: SERVER,
      body: bytes.subarray(offset, end),
      instance,
      beginOffset: offset,
      endOffset: end,
    });
    offset = end;
  }
  return out;
}

/** Two bodies of 20 kB, each with events. */
function bigBodies(): LogBody[] {
  return [0, 1].map((index) => ({
    serverId: SERVER,
    body: LOG.subarray(index * 20_000, (index + 1) * 20_000),
    instance: 'instance-1',
    beginOffset: index * 20_000,
    endOffset: (index + 1) * 20_000,
  }));
}

/** Events as plain JSON: a position's `-0` comes back from MessagePack as `0`. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The events of a log parsed in one go, except what only the end of input releases. */
function parsedAtOnce(text: string = logText) {
  return plain(new LogStreamParser().push(text));
}

describe('LogIngestor', () => {
  it('turns a log POSTed in odd-sized bodies into frames holding exactly the events of the whole log', async () => {
    // Prepare
    const { ingestor, producer } = ingestorFor();

    // Act
    for (const body of bodies(LOG)) await ingestor.ingest(body);

    // Assess
    const { frames, events, repeats } = producer.applied();
    expect(repeats).toBe(0);
    expect(plain(events)).toEqual(parsedAtOnce());
    expect(frames.map((frame) => frame.seq)).toEqual(frames.map((_, index) => index + 1));
    expect(new Set(frames.map((frame) => frame.session)).size).toBe(1);
    expect(new Set(frames.map((frame) => frame.server))).toEqual(new Set([SERVER]));
  });

  it('acknowledges a resent body without applying it twice', async () => {
    // Prepare
    const { ingestor, producer } = ingestorFor();
    const [first, second] = bodies(LOG);

    // Act
    const accepted = await ingestor.ingest(first!);
    const resent = await ingestor.ingest(first!);
    await ingestor.ingest(second!);

    // Assess
    expect(accepted).toMatchObject({ status: 'accepted' });
    expect(resent).toEqual({ status: 'duplicate' });
    expect(producer.applied().repeats).toBe(0);
  });

  it('applies only the new bytes of a retry that grew (same begin offset, later end)', async () => {
    // Prepare
    const { ingestor, producer } = ingestorFor();
    const cut = LOG.indexOf('\n', 200_000) + 1;
    const end = LOG.indexOf('\n', 210_000) + 1;

    // Act
    await ingestor.ingest({
      serverId: SERVER,
      body: LOG.subarray(0, cut),
      instance: 'i',
      beginOffset: 0,
      endOffset: cut,
    });
    await ingestor.ingest({
      serverId: SERVER,
      body: LOG.subarray(0, end),
      instance: 'i',
      beginOffset: 0,
      endOffset: end,
    });

    // Assess
    expect(plain(producer.applied().events)).toEqual(parsedAtOnce(LOG.subarray(0, end).toString('utf8')));
  });

  describe('crash safety (the outbox)', () => {
    it('loses nothing and applies nothing twice when the stream fails after the state was saved', async () => {
      // Prepare
      const { ingestor, producer } = ingestorFor();
      const all = bodies(LOG);

      // Act: every fifth body meets a stream outage; the server sends it again after the 503.
      let outages = 0;
      for (const [index, body] of all.entries()) {
        if (index % 5 === 0) producer.failNext = 1;
        for (;;) {
          try {
            await ingestor.ingest(body);
            break;
          } catch (error) {
            expect(error).toBeInstanceOf(UnavailableError);
            outages++;
          }
        }
      }

      // Assess
      expect(outages).toBe(Math.ceil(all.length / 5));
      expect(plain(producer.applied().events)).toEqual(parsedAtOnce());
    });

    it('puts the outbox of a process that died between its save and its put, at the next start', async () => {
      // Prepare: a process saves body 1 then dies before putting it (no answer is sent).
      const store = new MemoryIngestChannelStore();
      const producer = new RecordingProducer();
      const [first, second] = bigBodies();
      const dying = ingestorFor(channelsFor(store, producer));
      producer.failNext = 1;
      await expect(dying.ingestor.ingest(first!)).rejects.toBeInstanceOf(UnavailableError);

      // Act: a new process recovers, then the server resends body 1 and goes on.
      const restarted = ingestorFor(channelsFor(store, producer));
      const recovered = await restarted.channels.recoverPending();
      const resent = await restarted.ingestor.ingest(first!);
      await restarted.ingestor.ingest(second!);

      // Assess
      expect(recovered).toBe(1);
      expect(resent).toEqual({ status: 'duplicate' });
      expect(plain(producer.applied().events)).toEqual(
        parsedAtOnce(LOG.subarray(0, second!.endOffset!).toString('utf8')),
      );
    });

    it('puts a lost outbox again before the next body, when the server resends (no restart)', async () => {
      // Prepare
      const { ingestor, producer } = ingestorFor();
      const [first, second] = bigBodies();
      producer.failNext = 1;
      await expect(ingestor.ingest(first!)).rejects.toBeInstanceOf(UnavailableError);

      // Act
      const resent = await ingestor.ingest(first!);
      await ingestor.ingest(second!);

      // Assess: the saved frame went out once, before body 2's.
      expect(resent).toEqual({ status: 'duplicate' });
      expect(producer.frames().map((frame) => frame.seq)).toEqual([1, 2]);
    });

    it('refuses to overwrite a channel another process saved meanwhile (retriable conflict)', async () => {
      // Prepare: a store whose saves always lose the race.
      const store = new MemoryIngestChannelStore();
      store.save = async (_record: IngestChannelRecord) => false;
      const { ingestor, producer } = ingestorFor(channelsFor(store));

      // Act
      const attempt = ingestor.ingest(bodies(LOG)[0]!);

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(ChannelConflictError);
      expect(producer.records).toHaveLength(0);
    });
  });

  it('starts a new frame session when the server restarts (a new instance token)', async () => {
    // Prepare
    const { ingestor, producer } = ingestorFor();
    const before = bodies(LOG.subarray(0, 20_000), 'boot-1');
    const after = bodies(LOG.subarray(20_000, 40_000), 'boot-2');

    // Act
    for (const body of [...before, ...after]) await ingestor.ingest(body);

    // Assess
    const { frames } = producer.applied();
    const sessions = [...new Set(frames.map((frame) => frame.session))];
    expect(sessions).toHaveLength(2);
    expect(frames.filter((frame) => frame.session === sessions[1]).map((frame) => frame.seq)[0]).toBe(1);
  });

  it('holds a body ahead of a gap, and once held past the limit counts the line cut by the gap as malformed and goes on', async () => {
    // Prepare: body 2 starts 10 bytes after body 1 ended, mid-line; the missing bytes never come.
    let now = 1_000_000;
    const parts = channelsFor(undefined, undefined, () => now);
    const ingestor = new LogIngestor({
      channels: parts.channels,
      logger: silentLogger,
      metrics: noMetrics,
      clock: () => now,
      maxHoldMs: 30_000,
    });
    const cut = LOG.indexOf('\n', 1_000) + 30;
    const part = (begin: number, end: number): LogBody => ({
      serverId: SERVER,
      body: LOG.subarray(begin, end),
      instance: 'i',
      beginOffset: begin,
      endOffset: end,
    });

    // Act
    await ingestor.ingest(part(0, cut));
    const ahead = await ingestor.ingest(part(cut + 10, 5_000));
    now += 30_001;
    const next = await ingestor.ingest(part(5_000, 8_000));

    // Assess: the tail of the cut line, at the start of body 2, has no timestamp.
    expect(ahead).toMatchObject({ status: 'accepted', held: true, events: 0 });
    expect(next).toMatchObject({ status: 'accepted', gap: true, malformed: 1 });
    expect(parts.producer.applied().repeats).toBe(0);
  });

  it('stores every event exactly once when two adjacent bodies arrive swapped', async () => {
    // Prepare: the fixture log in CS2-sized bodies; two in the middle come in the wrong order.
    const { ingestor, producer } = ingestorFor();
    const all = bodies(LOG);
    const swapped = [...all];
    const middle = Math.floor(all.length / 2);
    [swapped[middle], swapped[middle + 1]] = [all[middle + 1]!, all[middle]!];

    // Act
    const results = [];
    for (const body of swapped) results.push(await ingestor.ingest(body));

    // Assess
    expect(results[middle]).toMatchObject({ status: 'accepted', held: true });
    expect(results.filter((r) => r.status === 'duplicate')).toEqual([]);
    const { events, repeats } = producer.applied();
    expect(repeats).toBe(0);
    expect(plain(events)).toEqual(parsedAtOnce());
  });

  it('keeps a held body in the channel record, so a restart between it and the gap loses nothing', async () => {
    // Prepare: body 3 comes before body 2, then the process restarts (same store and stream).
    const store = new MemoryIngestChannelStore();
    const producer = new RecordingProducer();
    const all = bodies(LOG);
    const before = ingestorFor(channelsFor(store, producer));
    await before.ingestor.ingest(all[0]!);
    const held = await before.ingestor.ingest(all[2]!);

    // Act
    const after = ingestorFor(channelsFor(store, producer));
    for (const body of [all[1]!, ...all.slice(3)]) await after.ingestor.ingest(body);

    // Assess
    expect(held).toMatchObject({ status: 'accepted', held: true });
    const { events, repeats } = producer.applied();
    expect(repeats).toBe(0);
    expect(plain(events)).toEqual(parsedAtOnce());
  });

  it('refuses a body too far ahead with a retriable error, and loses nothing once the gap is sent', async () => {
    // Prepare: body 1, then nine bodies that all follow a missing body 2 (only eight can be held).
    const { ingestor, producer } = ingestorFor();
    const all = bodies(LOG);
    expect(all.length).toBeGreaterThan(12);
    await ingestor.ingest(all[0]!);
    const ahead = all.slice(2, 2 + MAX_HELD_BODIES + 1);

    // Act
    const answers: unknown[] = [];
    for (const body of ahead) {
      try {
        answers.push(await ingestor.ingest(body));
      } catch (error) {
        answers.push(error);
      }
    }
    const refused = answers.at(-1);
    await ingestor.ingest(all[1]!);
    // CS2 sends the refused body again (it retries everything but 200 and 410), then the rest.
    for (const body of all.slice(2 + MAX_HELD_BODIES)) await ingestor.ingest(body);

    // Assess
    expect(answers.slice(0, MAX_HELD_BODIES)).toEqual(
      Array.from({ length: MAX_HELD_BODIES }, () => expect.objectContaining({ held: true })),
    );
    expect(refused).toBeInstanceOf(LogBodyAheadError);
    expect(refused).toMatchObject({ retriable: true, code: 'LOG_BODY_AHEAD' });
    const { events, repeats } = producer.applied();
    expect(repeats).toBe(0);
    expect(plain(events)).toEqual(parsedAtOnce());
  });

  it('recognises a body resent after two others as a duplicate when the sender gives no offsets', async () => {
    // Prepare: three bodies of whole lines from a relay (no offset headers).
    const { ingestor, producer } = ingestorFor();
    const ends = [3_000, 6_000, 9_000].map((at) => LOG.indexOf('\n', at) + 1);
    const relayed = ends.map((end, i) => ({
      serverId: SERVER,
      body: LOG.subarray(i === 0 ? 0 : ends[i - 1], end),
    }));

    // Act
    for (const body of relayed) await ingestor.ingest(body);
    const again = await ingestor.ingest(relayed[0]!);

    // Assess
    expect(again).toEqual({ status: 'duplicate' });
    const { events, repeats } = producer.applied();
    expect(repeats).toBe(0);
    expect(plain(events)).toEqual(
      plain(new LogStreamParser().push(LOG.subarray(0, ends[2]).toString('utf8'))),
    );
  });

  it('recognises a resent body by its hash when the sender gives no offsets (a relay)', async () => {
    // Prepare
    const { ingestor, producer } = ingestorFor();
    const body = { serverId: SERVER, body: LOG.subarray(0, LOG.indexOf('\n', 3_000) + 1) };

    // Act
    const first = await ingestor.ingest(body);
    const again = await ingestor.ingest(body);

    // Assess
    expect(first).toMatchObject({ status: 'accepted', malformed: 0, unknown: 0 });
    expect(again).toEqual({ status: 'duplicate' });
    expect(producer.frames()).toHaveLength(1);
  });

  it('counts malformed lines and never fails on them', async () => {
    // Prepare
    const { ingestor, producer } = ingestorFor();
    const body = Buffer.from(
      'not a log line\n01/19/2026 - 19:03:37.000 - World triggered "Round_Start"\n\u0000\u0001garbage\n',
    );

    // Act
    const result = await ingestor.ingest({ serverId: SERVER, body });

    // Assess
    expect(result).toMatchObject({ status: 'accepted', lines: 3, malformed: 2, events: 2 });
    expect(producer.applied().events.map((event) => event.type)).toEqual(['round_start', 'round_freeze_end']);
  });

  it('reassembles a UTF-8 character cut between two bodies (zero-width space in chat)', async () => {
    // Prepare: the 3 bytes of U+200B split 1 + 2.
    const { ingestor, producer } = ingestorFor();
    const line = Buffer.from(
      '01/19/2026 - 19:03:37.000 - "Earthy_uwu<3><[U:1:133954850]><CT>" say "gg\u200bwp"\n',
    );
    const cut = line.indexOf(Buffer.from('\u200b')) + 1;

    // Act
    await ingestor.ingest({
      serverId: SERVER,
      body: line.subarray(0, cut),
      instance: 'i',
      beginOffset: 0,
      endOffset: cut,
    });
    await ingestor.ingest({
      serverId: SERVER,
      body: line.subarray(cut),
      instance: 'i',
      beginOffset: cut,
      endOffset: line.length,
    });

    // Assess
    expect(producer.applied().events).toEqual([
      {
        type: 'chat',
        ts: Date.UTC(2026, 0, 19, 19, 3, 37),
        steamId: '76561198094220578',
        text: 'gg\u200bwp',
        teamOnly: false,
      },
    ]);
  });

  it('parses the bodies of one server in the order they came, even when sent concurrently', async () => {
    // Prepare
    const { ingestor, producer } = ingestorFor();

    // Act
    await Promise.all(bodies(LOG.subarray(0, 60_000)).map((body) => ingestor.ingest(body)));

    // Assess
    expect(plain(producer.applied().events)).toEqual(parsedAtOnce(LOG.subarray(0, 60_000).toString('utf8')));
  });
});

describe('completeUtf8Length', () => {
  it.each([
    ['ascii', Buffer.from('abc'), 3],
    ['a whole 3-byte character', Buffer.from('a\u200b'), 4],
    ['1 of 3 bytes', Buffer.from('a\u200b').subarray(0, 2), 1],
    ['2 of 3 bytes', Buffer.from('a\u200b').subarray(0, 3), 1],
    ['3 of 4 bytes', Buffer.from('a😀').subarray(0, 4), 1],
    ['empty', Buffer.alloc(0), 0],
  ])('%s', async (_name, bytes, length) => {
    // Act
    const complete = completeUtf8Length(bytes);

    // Assess
    expect(complete).toBe(length);
  });
});
